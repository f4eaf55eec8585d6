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

export function assembleTurns(nodes: ChainNode[]): Turn[] {
  const byUuid = new Map<string, ChainNode>();
  for (const n of nodes) if (n.uuid !== undefined && !byUuid.has(n.uuid)) byUuid.set(n.uuid, n);
  const parentOf = (n: ChainNode) => (n.parent === undefined ? undefined : byUuid.get(n.parent));

  // Main path: back from the leaf.
  const onMain = new Set<ChainNode>();
  let leaf: ChainNode | undefined;
  for (let i = nodes.length - 1; i >= 0 && !leaf; i--) if (nodes[i].uuid !== undefined && nodes[i].conversational) leaf = nodes[i];
  for (let n = leaf; n && !onMain.has(n); n = parentOf(n)) onMain.add(n);

  // Main-path child of each main node (who replaced a rewound branch).
  const mainChild = new Map<ChainNode, ChainNode>();
  for (const n of onMain) {
    const p = parentOf(n);
    if (p && onMain.has(p)) mainChild.set(p, n);
  }

  // Side branches: for each node off the main path, the first node of its branch (child of the
  // fork point), or null when its chain never joins the main path. Parents usually come first in
  // the file, so the walk is one step to a known node; a walk longer than the file is a cycle.
  const branchRoot = new Map<ChainNode, ChainNode | null>();
  const rootOf = (start: ChainNode): ChainNode | null => {
    let path: ChainNode[] | undefined;
    let n: ChainNode | undefined = start;
    let root: ChainNode | null = null;
    let steps = 0;
    while (n) {
      if (onMain.has(n)) {
        root = path ? path[path.length - 1] : null;
        break;
      }
      const known = branchRoot.get(n);
      if (known !== undefined) {
        root = known;
        break;
      }
      if (++steps > nodes.length) break; // a cycle off the main path: treat as disconnected
      (path ??= []).push(n);
      n = parentOf(n);
    }
    if (path) for (const p of path) branchRoot.set(p, root);
    return root;
  };

  const branches = new Map<ChainNode, ChainNode[]>();
  for (const n of nodes) {
    if (n.uuid === undefined || onMain.has(n)) continue;
    const root = rootOf(n);
    if (!root) continue;
    let list = branches.get(root);
    if (!list) branches.set(root, (list = []));
    list.push(n);
  }

  // Only branches with content are rewinds; place each before its replacement.
  const abandonedNodes = new Set<ChainNode>();
  const before = new Map<ChainNode, ChainNode[][]>();
  const trailing: ChainNode[][] = [];
  for (const [root, list] of branches) {
    if (!list.some((n) => n.content)) continue;
    for (const n of list) abandonedNodes.add(n);
    const fork = parentOf(root);
    const replacement = fork ? mainChild.get(fork) : undefined;
    if (replacement) {
      let l = before.get(replacement);
      if (!l) before.set(replacement, (l = []));
      l.push(list);
    } else trailing.push(list);
  }

  const out = new TurnWriter();
  for (const n of nodes) {
    if (abandonedNodes.has(n)) continue;
    const pending = before.get(n);
    if (pending) {
      for (const branch of pending) out.branch(branch);
      out.forceNewTurn();
    }
    out.node(n, false);
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
