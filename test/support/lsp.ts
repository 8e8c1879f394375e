/**
 * A small Language Server Protocol client over stdio (JSON-RPC 2.0 with Content-Length framing),
 * enough to drive yaml-language-server as an editor does: initialize, push settings, open
 * documents, collect diagnostics, ask for hovers. Every wait has a timeout; `stop` kills the server.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

export interface LspDiagnostic {
  message: string;
  severity?: number;
  source?: string;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
}

interface Message {
  jsonrpc: '2.0';
  id?: number | string;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: { code: number; message: string };
}

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

export class LspClient {
  private readonly child: ChildProcessWithoutNullStreams;
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly diagnostics = new Map<string, LspDiagnostic[]>();
  private readonly waiters: Array<() => void> = [];
  /** What the server wrote to stderr, for failure messages. */
  stderr = '';
  /** Requests the server sent to the client (method names). */
  readonly serverRequests: string[] = [];
  /**
   * The settings by section (`yaml`, `http`, …): what `workspace/configuration` answers. Servers
   * such as yaml-language-server pull them when told `workspace/didChangeConfiguration`.
   */
  settings: Record<string, unknown> = {};

  constructor(command: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv }) {
    this.child = spawn(command, [...args], { cwd: options.cwd, env: options.env, stdio: 'pipe' });
    this.child.stdout.on('data', (chunk: Buffer) => this.receive(chunk));
    this.child.stderr.on('data', (chunk: Buffer) => {
      if (this.stderr.length < 20_000) this.stderr += chunk.toString('utf8');
    });
    this.child.on('exit', () => {
      for (const p of this.pending.values()) p.reject(new Error(`language server exited\n${this.stderr}`));
      this.pending.clear();
    });
  }

  private receive(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd === -1) return;
      const header = this.buffer.subarray(0, headerEnd).toString('ascii');
      const length = /Content-Length: *(\d+)/i.exec(header);
      if (!length) throw new Error(`LSP header without Content-Length: ${header}`);
      const start = headerEnd + 4;
      const end = start + Number(length[1]);
      if (this.buffer.length < end) return;
      const body = this.buffer.subarray(start, end).toString('utf8');
      this.buffer = this.buffer.subarray(end);
      this.dispatch(JSON.parse(body) as Message);
    }
  }

  private dispatch(message: Message): void {
    if (message.method !== undefined && message.id !== undefined) {
      // A request from the server: its settings, or null (client/registerCapability, …).
      this.serverRequests.push(message.method);
      const result =
        message.method === 'workspace/configuration'
          ? ((message.params as { items: Array<{ section?: string }> }).items ?? []).map((item) =>
              item.section === undefined ? this.settings : (this.settings[item.section] ?? null),
            )
          : null;
      this.write({ jsonrpc: '2.0', id: message.id, result });
      return;
    }
    if (message.method === 'textDocument/publishDiagnostics') {
      const params = message.params as { uri: string; diagnostics: LspDiagnostic[] };
      this.diagnostics.set(params.uri, params.diagnostics);
      for (const wake of this.waiters.splice(0)) wake();
      return;
    }
    if (message.id !== undefined && typeof message.id === 'number') {
      const pending = this.pending.get(message.id);
      if (!pending) return;
      this.pending.delete(message.id);
      if (message.error) pending.reject(new Error(`${message.error.code}: ${message.error.message}`));
      else pending.resolve(message.result);
    }
  }

  private write(message: Message): void {
    const body = Buffer.from(JSON.stringify(message), 'utf8');
    this.child.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.child.stdin.write(body);
  }

  notify(method: string, params: unknown): void {
    this.write({ jsonrpc: '2.0', method, params });
  }

  request<T>(method: string, params: unknown, timeoutMs = 10_000): Promise<T> {
    const id = this.nextId++;
    return withTimeout(
      new Promise<T>((resolve, reject) => {
        this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        this.write({ jsonrpc: '2.0', id, method, params });
      }),
      timeoutMs,
      () => {
        this.pending.delete(id);
        return `no answer to ${method} within ${timeoutMs} ms\n${this.stderr}`;
      },
    );
  }

  /**
   * The diagnostics of `uri` once `ready` accepts them (the server publishes again after each change
   * and after a schema loads); rejects after `timeoutMs` with the last ones seen.
   */
  async diagnosticsFor(
    uri: string,
    ready: (diagnostics: LspDiagnostic[]) => boolean,
    timeoutMs = 10_000,
  ): Promise<LspDiagnostic[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const current = this.diagnostics.get(uri);
      if (current && ready(current)) return current;
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(
          `diagnostics of ${uri} not as expected within ${timeoutMs} ms: ${JSON.stringify(current)}\n${this.stderr}`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Kills the server (shutdown and exit are not awaited: a hung server must not hang the suite). */
  stop(): void {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    try {
      this.notify('exit', null);
    } catch {
      // stdin already closed
    }
    this.child.kill('SIGKILL');
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message())), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
