import { describe, expect, it, vi } from 'vitest';

const loads = vi.hoisted(() => ({ ws: 0 }));
vi.mock('ws', async (importOriginal) => {
  loads.ws += 1;
  return importOriginal();
});

describe('ws, an optional peer dependency', () => {
  it('is not loaded by importing the testing entry, only when a fake server starts', async () => {
    const testing = await import('./index.js');
    expect(loads.ws).toBe(0);
    const server = await testing.createFakeLiveServer();
    await server.close();
    expect(loads.ws).toBe(1);
  });

  it('missing: starting a fake server rejects with WS_MISSING naming the install command', async () => {
    const { loadWebSocketServer } = await import('./load-ws.js');
    const notFound = Object.assign(new Error("Cannot find package 'ws' imported from fake-live-server.js"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    const error = await loadWebSocketServer(() => Promise.reject(notFound)).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'TestKitError', code: 'WS_MISSING' });
    expect((error as Error).message).toContain('npm install -D ws');
  });

  it('a ws without WebSocketServer is WS_MISSING too; any other load failure keeps its own error', async () => {
    const { loadWebSocketServer } = await import('./load-ws.js');
    await expect(loadWebSocketServer(() => Promise.resolve({}))).rejects.toMatchObject({
      code: 'WS_MISSING',
    });
    const broken = new SyntaxError('Unexpected token');
    await expect(loadWebSocketServer(() => Promise.reject(broken))).rejects.toBe(broken);
  });
});
