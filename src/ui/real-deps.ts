/**
 * The real FlowDeps: the session index, the daemon client, the privacy pass, the `panko view`
 * viewer, the exporter, the clipboard, the opener and the file system of this machine.
 */
import { copyFileSync, existsSync, mkdirSync, rmSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { REDACTION_KEYS, loadConfig, loadConfigFor, parseValue, writeConfigKey, type Config } from "../config.ts";
import { processIo } from "../cli/io.ts";
import { writeExport } from "../cli/export.ts";
import { qrCode } from "../cli/share.ts";
import viewCommand from "../cli/view.ts";
import { connectDaemon, daemonStatus, type ShareInfo } from "../daemon/client.ts";
import { configFile } from "../paths.ts";
import { copyToClipboard } from "../platform/clipboard.ts";
import { downloadsDir } from "../platform/downloads.ts";
import { openBrowser, openFolder } from "../platform/open.ts";
import { redactOptionsFromConfig } from "../privacy/options.ts";
import { findRedactions, formatPlace } from "../privacy/preview.ts";
import { redactSession } from "../privacy/redact.ts";
import { renderMarkdownTranscript } from "../render/markdown.ts";
import { listSessions } from "../sessions/index.ts";
import type { Session } from "../sessions/model.ts";
import { parseSession } from "../sessions/parse.ts";
import { installCloudflared } from "../tunnels/install.ts";
import { providerStatus } from "../tunnels/registry.ts";
import { VERSION } from "../version.ts";
import { isLiveStatus } from "../daemon/share-ids.ts";
import type { FlowDeps, ShareEntry, SharesPort } from "./deps.ts";
import type { Interrupts } from "./interrupts.ts";

type Env = Record<string, string | undefined>;

export function shareEntry(s: ShareInfo): ShareEntry {
  return {
    id: s.id,
    sessionPath: s.sessionPath,
    sessionName: s.sessionName,
    provider: s.provider,
    publicUrl: s.publicUrl,
    status: s.status,
    startedAt: s.startedAt,
    expiresAt: s.expiresAt,
    views: s.views,
    lastError: s.lastError,
    notes: s.notes,
    redactions: s.redactions,
  };
}

/** Removes a session file and the folder of its sub-agent transcripts (`<id>/` beside it). */
export function removeSessionFiles(path: string): void {
  const folder = join(dirname(path), basename(path).replace(/\.jsonl$/, ""));
  if (folder !== path && existsSync(folder) && statSync(folder).isDirectory()) rmSync(folder, { recursive: true, force: true });
  rmSync(path);
}

export function realDeps(interrupts: Pick<Interrupts, "onInterrupt">, env: Env = process.env, cwd = process.cwd()): FlowDeps {
  const io = processIo();
  const cfgPath = () => configFile(env);
  return {
    version: VERSION,
    env,
    cwd,
    now: Date.now,
    config: {
      load: () => loadConfig(cfgPath()).config,
      set: (key, value) => writeConfigKey(key, value, cfgPath()),
      parse: (key, value) => parseValue(key, value),
    },
    sessions: {
      list: (sort) => listSessions({ sort, env }),
      load: (path) => parseSession(path),
    },
    daemon: {
      async status() {
        const st = await daemonStatus(env);
        return {
          running: st.running,
          activeShares: st.shares?.filter((s) => isLiveStatus(s.status)).length,
          hasState: existsSync(st.db),
          shares: st.shares?.map(shareEntry),
        };
      },
      async connect(): Promise<SharesPort> {
        const client = await connectDaemon({ env });
        return {
          list: async () => (await client.listShares()).map(shareEntry),
          start: async (req) =>
            shareEntry(
              await client.startShare({
                sessionPath: req.sessionPath,
                provider: req.provider,
                executable: req.executable,
                ttlMs: req.ttlMs ?? null,
                // The daemon applies the config's redact_patterns / redact_keep to every share.
                redaction: { redact: req.redact, patterns: [], keep: [] },
              }),
            ),
          stop: async (id) => shareEntry(await client.stopShare(id)),
          close: () => client.close(),
        };
      },
    },
    tunnels: {
      async providers(config) {
        return (await providerStatus(config, env)).map((p) => ({
          name: p.name,
          displayName: p.displayName,
          available: p.available,
          problem: p.problem,
          path: p.path === null ? null : resolve(p.path),
        }));
      },
      installCloudflared: async () => (await installCloudflared({ env })).path,
    },
    // The flow tolerates a broken config (the settings screen repairs it, `config` holds the
    // defaults for a bad key), but what redacts refuses a broken redaction key in the file: a
    // typo in redact_patterns is an error, never a quiet fallback to no patterns.
    privacy: {
      preview(session: Session, config: Config) {
        loadConfigFor(REDACTION_KEYS, cfgPath());
        const report = findRedactions(session, redactOptionsFromConfig(config).options);
        return { ...report, items: report.items.map((i) => ({ kind: i.kind, where: formatPlace(i), preview: i.preview })) };
      },
      apply(session: Session, config: Config) {
        loadConfigFor(REDACTION_KEYS, cfgPath());
        const { redact, options } = redactOptionsFromConfig(config);
        if (!redact) return { session, counts: {} };
        const r = redactSession(session, options);
        return { session: r.session, counts: r.counts };
      },
    },
    viewer: {
      async run(path, signal) {
        await viewCommand.run({ values: {}, positionals: [path], io, signal });
      },
    },
    exporter: {
      async write(session, format, file) {
        return writeExport(file, session, format);
      },
      markdown: (session) => renderMarkdownTranscript(session),
    },
    clipboard: {
      copy: (text) => copyToClipboard(text, { env, isTTY: io.isTTY, writeTerminal: io.out }),
    },
    opener: {
      url: (url) => openBrowser(url, { env }),
      folder: (path) => openFolder(path, { env }),
    },
    fs: {
      exists: (path) => existsSync(path),
      downloadsDir: () => downloadsDir(env),
      copyFile(from, to) {
        mkdirSync(dirname(to), { recursive: true });
        copyFileSync(from, to);
      },
      removeSession: removeSessionFiles,
    },
    qr: qrCode,
    onInterrupt: interrupts.onInterrupt,
  };
}
