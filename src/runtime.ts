/**
 * What this process runs as: the compiled executable or the sources (`bun src/main.ts`, tests).
 *
 * Exported: isCompiled(), workerEntry(path).
 */

/**
 * True inside a `bun build --compile` executable: its entry lives in the embedded /$bunfs/
 * filesystem (import.meta.path keeps the build machine's source path, so it cannot tell).
 */
export function isCompiled(): boolean {
  return Bun.main.startsWith("/$bunfs/") || /^[A-Z]:[\\/]~BUN[\\/]/.test(Bun.main);
}

/**
 * What to hand `new Worker()` for a worker entry, given by its path under src/ (such as
 * "render/pack-worker.ts"). From the sources, its file. In the executable, the path relative to
 * the bundle's root, which is src/ (every entrypoint of scripts/build.ts is under it): the only
 * form Bun finds among the embedded entrypoints. A URL made from import.meta.url names the build
 * machine's source file instead, which works only where that file still is, so on every other
 * machine the worker failed to start and the work ran on one thread.
 */
export function workerEntry(path: string): string {
  return isCompiled() ? `./${path}` : new URL(`./${path}`, import.meta.url).href;
}
