/**
 * Records every uncaught exception and unhandled rejection while it is installed, so a test can
 * assert that hostile input never escaped a listener. Disposable with `using`.
 */
export class ProcessGuard implements Disposable {
  readonly escaped: unknown[] = [];
  private readonly onError = (error: unknown): void => {
    this.escaped.push(error);
  };

  constructor() {
    process.on('uncaughtException', this.onError);
    process.on('unhandledRejection', this.onError);
  }

  [Symbol.dispose](): void {
    process.off('uncaughtException', this.onError);
    process.off('unhandledRejection', this.onError);
  }
}
