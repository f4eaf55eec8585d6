/**
 * SIGINT while the flow runs. Inside a prompt Ctrl+C is a key (raw mode) and means "back"; outside
 * one (the foreground viewer) it arrives as SIGINT: the newest handler takes it (the viewer stops
 * and the flow comes back). With no handler, panko ends quietly with code 0.
 */
export interface Interrupts {
  onInterrupt(handler: () => void): () => void;
  /** Stops listening to SIGINT. */
  dispose(): void;
}

export function processInterrupts(exit: (code: number) => void = (code) => process.exit(code)): Interrupts {
  const handlers: (() => void)[] = [];
  const listener = () => {
    const top = handlers[handlers.length - 1];
    if (top) top();
    else {
      process.stdout.write("\x1b[?25h\n");
      exit(0);
    }
  };
  process.on("SIGINT", listener);
  return {
    onInterrupt(handler) {
      handlers.push(handler);
      return () => {
        const i = handlers.lastIndexOf(handler);
        if (i !== -1) handlers.splice(i, 1);
      };
    },
    dispose: () => process.off("SIGINT", listener),
  };
}
