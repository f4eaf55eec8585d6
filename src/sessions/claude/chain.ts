/**
 * Ordering of a Claude Code transcript into turns, from the parentUuid chain.
 *
 * Exported: assembleTurns(nodes, lookup?): Turn[]  (ChainNode is what the record builder produces;
 * the nodes' own fields are left as they were, only their working-state fields are written);
 * chainNode(...) makes a node.
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
 *   not rewinds: they stay in file order. Nor is a branch whose first node continues the fork
 *   point's assistant message (same message id): parallel tool calls are written one line each,
 *   chained one after the other, and the conversation may go on from the result of an earlier
 *   call, leaving the later calls (and their results) on a side branch. A rewind never continues
 *   the message it forks from.
 * - Records without uuid, and chains that never join the main path (a compaction whose logical
 *   parent is missing, an older copy of the conversation), keep their place in file order.
 *
 * Turns: a user-input block (prompt, user image, named slash command) opens a new turn, unless
 * the current turn holds only user input so far (an image line followed by its text line, a
 * command followed by its prompt, stay one turn); but a prompt never joins a turn that holds a
 * prompt of another record already (two prompts with no reply between are two turns).
 * Everything else joins the current turn.
 */

import type { Block, Turn } from "../model.ts";

export interface ChainNode {
  /** Position in the file (increasing). */
  seq: number;
  uuid?: string;
  /** parentUuid, or logicalParentUuid when parentUuid is null. */
  parent?: string;
  /**
   * The node `parent` names, when its maker knew it already (it must be what `lookup` would
   * give): spares the lookup. Left undefined, the lookup is made.
   */
  knownParent?: ChainNode;
  /** A user/assistant/system/attachment record: candidate for the leaf. */
  conversational: boolean;
  blocks: Block[];
  /** Blocks that count as user input (open turns); same objects as in `blocks`. */
  userInput?: Set<Block>;
  /** Has real content (used to tell a rewound branch from parallel tool results). */
  content: boolean;
  /** Assistant message id (lines of one streamed message share it); undefined for other records. */
  message: string | undefined;

  // Working state of assembleTurns, set by it (callers need not fill it). It lives on the nodes,
  // not in a node -> state map or in state objects: on a 100 MB file (50,000 nodes) those were
  // most of the walk's time. Builders should create nodes with these fields (undefined/false)
  // so every node has one shape.
  /** The parent node, when it is in the list. */
  parentNode?: ChainNode;
  main?: boolean;
  /** Main-path child (main-path nodes only). */
  mainChild?: ChainNode;
  /** First node of the side branch this node is on; null: not on one; undefined: not known yet. */
  root?: ChainNode | null;
  abandoned?: boolean;
  /** Nodes of the side branch this node is the first of. */
  branch?: ChainNode[];
  /** Abandoned branches to place just before this (main-path) node. */
  before?: ChainNode[][];
}

/** A node with every field present (one object shape for all nodes). */
export function chainNode(seq: number, uuid: string | undefined, parent: string | undefined, conversational: boolean, blocks: Block[]): ChainNode {
  return {
    seq,
    uuid,
    parent,
    knownParent: undefined,
    conversational,
    blocks,
    userInput: undefined,
    content: false,
    message: undefined,
    parentNode: undefined,
    main: false,
    mainChild: undefined,
    root: undefined,
    abandoned: false,
    branch: undefined,
    before: undefined,
  };
}

/**
 * `lookup` finds a node by uuid (the first node with that uuid); the record builder passes its
 * own index so that no second one is built here.
 */
export function assembleTurns(nodes: ChainNode[], lookup?: (uuid: string) => ChainNode | undefined): Turn[] {
  if (!lookup) {
    const byUuid = new Map<string, ChainNode>();
    for (const n of nodes) if (n.uuid !== undefined && !byUuid.has(n.uuid)) byUuid.set(n.uuid, n);
    lookup = (uuid) => byUuid.get(uuid);
  }
  // Working state: reset (a node may have been walked before), parents resolved. A node the
  // lookup knows but that is not in `nodes` is treated as missing: mark the members first.
  for (const n of nodes) {
    n.parentNode = undefined;
    n.main = false;
    n.mainChild = undefined;
    n.root = undefined;
    n.abandoned = true; // "in the list" until the parents are resolved
    n.branch = undefined;
    n.before = undefined;
  }
  for (const n of nodes) {
    if (n.parent === undefined) continue;
    const p = n.knownParent ?? lookup(n.parent);
    if (p !== undefined && p.abandoned === true) n.parentNode = p;
  }
  for (const n of nodes) n.abandoned = false;

  // Main path: back from the leaf.
  let leaf: ChainNode | undefined;
  for (let i = nodes.length - 1; i >= 0 && !leaf; i--) if (nodes[i].uuid !== undefined && nodes[i].conversational) leaf = nodes[i];
  for (let n = leaf, child: ChainNode | undefined; n && !n.main; child = n, n = n.parentNode) {
    n.main = true;
    if (child) n.mainChild = child;
  }

  // Side branches: for each node off the main path, the first node of its branch (child of the
  // fork point), or null when its chain never joins the main path. Parents usually come first in
  // the file, so the walk is one step to a known node; a walk longer than the file is a cycle.
  const rootOf = (start: ChainNode): ChainNode | null => {
    let path: ChainNode[] | undefined;
    let n: ChainNode | undefined = start;
    let root: ChainNode | null = null;
    let steps = 0;
    while (n) {
      if (n.main) {
        root = path ? path[path.length - 1] : null;
        break;
      }
      if (n.root !== undefined) {
        root = n.root;
        break;
      }
      if (++steps > nodes.length) break; // a cycle off the main path: treat as disconnected
      (path ??= []).push(n);
      n = n.parentNode;
    }
    if (path) for (const p of path) p.root = root;
    return root;
  };

  // Branch roots, in the order their branches were first met.
  let roots: ChainNode[] | undefined;
  for (const n of nodes) {
    if (n.main || n.uuid === undefined) continue;
    const root = rootOf(n);
    if (!root) continue;
    if (!root.branch) {
      root.branch = [];
      (roots ??= []).push(root);
    }
    root.branch.push(n);
  }

  // Only branches with content are rewinds; place each before its replacement.
  const trailing: ChainNode[][] = [];
  if (roots) {
    for (const root of roots) {
      const branch = root.branch!;
      if (!branch.some((n) => n.content)) continue;
      if (root.message !== undefined && root.message === root.parentNode?.message) continue; // parallel tool calls
      for (const n of branch) n.abandoned = true;
      const replacement = root.parentNode?.mainChild;
      if (replacement) (replacement.before ??= []).push(branch);
      else trailing.push(branch);
    }
  }

  const out = new TurnWriter();
  for (const n of nodes) {
    if (n.abandoned) continue;
    if (n.before) {
      for (const branch of n.before) out.branch(branch);
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
  /** The node whose prompt the current turn holds, if any. */
  private curPromptNode: ChainNode | undefined;
  private force = false;

  forceNewTurn(): void {
    this.force = true;
  }

  branch(nodes: ChainNode[]): void {
    this.cur = undefined;
    for (const n of nodes) this.node(n, true);
    this.cur = undefined;
    this.curPromptNode = undefined;
  }

  node(n: ChainNode, abandoned: boolean): void {
    for (const b of n.blocks) {
      const input = n.userInput?.has(b) ?? false;
      // A second prompt (another record) with no reply between is a turn of its own.
      const secondPrompt = b.kind === "prompt" && this.curPromptNode !== undefined && this.curPromptNode !== n;
      if (!this.cur || this.force || (input && (!this.curInputOnly || secondPrompt))) {
        const turn: Turn = { index: this.turns.length, id: n.uuid ?? b.id, blocks: [] };
        if (b.timestamp !== undefined) turn.timestamp = b.timestamp;
        if (abandoned) turn.abandoned = true;
        this.turns.push(turn);
        this.cur = turn;
        this.curInputOnly = input;
        this.curPromptNode = undefined;
        this.force = false;
      } else if (!input) this.curInputOnly = false;
      if (b.kind === "prompt") this.curPromptNode = n;
      this.cur.blocks.push(b);
    }
  }
}
