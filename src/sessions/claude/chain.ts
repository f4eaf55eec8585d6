/**
 * Ordering of a Claude Code transcript into turns, from the parentUuid chain.
 *
 * Exported: assembleTurns(nodes): Turn[]  (pure; ChainNode is what the record builder produces)
 *
 * How order is decided:
 * - The main path is the chain that leads to the last conversational record of the file (the
 *   leaf), walked back through `parentUuid`, and through `logicalParentUuid` where compaction
 *   started a new chain. Files are append-only, so the main path is emitted in file order (which
 *   equals chain order, and cannot loop whatever the uuids say).
 * - A record off the main path whose chain joins it at a fork point belongs to a side branch.
 *   A side branch holding real content (a prompt, a command, an image, assistant text, thinking or
 *   a tool call) is a branch the user rewound away from: it becomes turns with `abandoned: true`,
 *   placed just before the turn that replaced it (the main-path child of the fork point starts a
 *   new turn), never interleaved with the main path. Side branches with no content (results of
 *   parallel tool calls, which Claude Code chains off the calling line; progress; notices) are
 *   not rewinds: they stay in file order.
 * - Records without uuid, and chains that never join the main path (a compaction whose logical
 *   parent is missing, an older copy of the conversation), keep their place in file order.
 *
 * Turns: a user-input block (prompt, user image, named slash command) opens a new turn, unless
 * the current turn holds only user input so far (an image line followed by its text line, a
 * command followed by its prompt, stay one turn). Everything else joins the current turn.
 */

import type { Block, Turn } from "../model.ts";

export interface ChainNode {
  /** Position in the file (increasing). */
  seq: number;
  uuid?: string;
  /** parentUuid, or logicalParentUuid when parentUuid is null. */
  parent?: string;
  /** A user/assistant/system/attachment record: candidate for the leaf. */
  conversational: boolean;
  blocks: Block[];
  /** Blocks that count as user input (open turns); same objects as in `blocks`. */
  userInput?: Set<Block>;
  /** Has real content (used to tell a rewound branch from parallel tool results). */
  content: boolean;
}

/** Per-node working state of assembleTurns (kept off the nodes so they stay plain). */
interface State {
  parent: State | undefined;
  node: ChainNode;
  main: boolean;
  /** First node of the side branch this node is on; null: not on one; undefined: not known yet. */
  root: State | null | undefined;
  abandoned: boolean;
  /** Abandoned branches to place just before this (main-path) node. */
  before?: ChainNode[][];
}

export function assembleTurns(nodes: ChainNode[]): Turn[] {
  const states: State[] = new Array(nodes.length);
  const byUuid = new Map<string, State>();
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i];
    const st: State = { parent: undefined, node: n, main: false, root: undefined, abandoned: false };
    states[i] = st;
    if (n.uuid !== undefined && !byUuid.has(n.uuid)) byUuid.set(n.uuid, st);
  }
  for (const st of states) if (st.node.parent !== undefined) st.parent = byUuid.get(st.node.parent);

  // Main path: back from the leaf.
  let leaf: State | undefined;
  for (let i = states.length - 1; i >= 0 && !leaf; i--) if (nodes[i].uuid !== undefined && nodes[i].conversational) leaf = states[i];
  const mainChild = new Map<State, State>();
  for (let st = leaf, child: State | undefined; st && !st.main; child = st, st = st.parent) {
    st.main = true;
    if (child) mainChild.set(st, child);
  }

  // Side branches: for each node off the main path, the first node of its branch (child of the
  // fork point), or null when its chain never joins the main path. Parents usually come first in
  // the file, so the walk is one step to a known node; a walk longer than the file is a cycle.
  const rootOf = (start: State): State | null => {
    let path: State[] | undefined;
    let st: State | undefined = start;
    let root: State | null = null;
    let steps = 0;
    while (st) {
      if (st.main) {
        root = path ? path[path.length - 1] : null;
        break;
      }
      if (st.root !== undefined) {
        root = st.root;
        break;
      }
      if (++steps > states.length) break; // a cycle off the main path: treat as disconnected
      (path ??= []).push(st);
      st = st.parent;
    }
    if (path) for (const p of path) p.root = root;
    return root;
  };

  let branches: Map<State, State[]> | undefined;
  for (const st of states) {
    if (st.main || st.node.uuid === undefined) continue;
    const root = rootOf(st);
    if (!root) continue;
    branches ??= new Map();
    let list = branches.get(root);
    if (!list) branches.set(root, (list = []));
    list.push(st);
  }

  // Only branches with content are rewinds; place each before its replacement.
  const trailing: ChainNode[][] = [];
  if (branches) {
    for (const [root, list] of branches) {
      if (!list.some((st) => st.node.content)) continue;
      for (const st of list) st.abandoned = true;
      const replacement = root.parent ? mainChild.get(root.parent) : undefined;
      const branch = list.map((st) => st.node);
      if (replacement) (replacement.before ??= []).push(branch);
      else trailing.push(branch);
    }
  }

  const out = new TurnWriter();
  for (const st of states) {
    if (st.abandoned) continue;
    if (st.before) {
      for (const branch of st.before) out.branch(branch);
      out.forceNewTurn();
    }
    out.node(st.node, false);
  }
  for (const branch of trailing) out.branch(branch);
  return out.turns;
}

class TurnWriter {
  turns: Turn[] = [];
  private cur: Turn | undefined;
  private curInputOnly = false;
  private force = false;

  forceNewTurn(): void {
    this.force = true;
  }

  branch(nodes: ChainNode[]): void {
    this.cur = undefined;
    for (const n of nodes) this.node(n, true);
    this.cur = undefined;
  }

  node(n: ChainNode, abandoned: boolean): void {
    for (const b of n.blocks) {
      const input = n.userInput?.has(b) ?? false;
      if (!this.cur || this.force || (input && !this.curInputOnly)) {
        const turn: Turn = { index: this.turns.length, id: n.uuid ?? b.id, blocks: [] };
        if (b.timestamp !== undefined) turn.timestamp = b.timestamp;
        if (abandoned) turn.abandoned = true;
        this.turns.push(turn);
        this.cur = turn;
        this.curInputOnly = input;
        this.force = false;
      } else if (!input) this.curInputOnly = false;
      this.cur.blocks.push(b);
    }
  }
}
