/**
 * One person's connection to one notes document, with the stock client libraries:
 * y-websocket's WebsocketProvider (Werkraum's /collab and @y/websocket-server) or
 * @hocuspocus/provider (Hocuspocus speaks its own protocol), `ws` as WebSocket.
 *
 * The document looks like TipTap's: an XmlFragment 'default' of paragraphs. Each person writes into
 * their own paragraph. An edit appends ` [e:<ms>] ` (its send time on the machine-wide monotonic
 * clock, see util.mjs) and moves the person's cursor in awareness (as y-prosemirror's caret does),
 * so every edit is one document update plus one awareness change. Receivers find the markers in
 * what arrives and record now - sent: the note-edit propagation time.
 */
import { HocuspocusProvider, HocuspocusProviderWebsocket } from '@hocuspocus/provider';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { now, seedParagraphs } from './util.mjs';

const MARKER = /\[e:(\d+\.\d+)\]/g;
const COLORS = ['#d33', '#3a3', '#33d', '#c80', '#088', '#808'];

export class NotesClient {
  /**
   * @param {object} o
   * @param {'werkraum'|'ywss'|'hocuspocus'} o.kind
   * @param {number} o.port
   * @param {string} o.docName
   * @param {string} [o.token] Werkraum's collaboration token
   * @param {string} o.name shown in awareness
   * @param {(ms: number, sentAt: number) => void} [o.onLatency] called for every marker received from someone else
   *   (without it the client does not observe the document: in a plenary of 1,000 a sample of the
   *   receivers measures, to keep the generators' CPU for the load itself)
   */
  constructor({ kind, port, docName, token, name, onLatency }) {
    this.kind = kind;
    this.docName = docName;
    this.name = name;
    this.onLatency = onLatency;
    this.doc = new Y.Doc();
    this.fragment = this.doc.getXmlFragment('default');
    this.text = null;
    this.measuring = false;
    this.closedWith = null;
    this.syncWaiters = [];
    const user = { name, color: COLORS[name.length % COLORS.length] };
    if (kind === 'hocuspocus') {
      // One socket per person and document (as with y-websocket), connected only when asked.
      this.socket = new HocuspocusProviderWebsocket({ url: `ws://127.0.0.1:${port}`, WebSocketPolyfill: WebSocket, autoConnect: false });
      this.provider = new HocuspocusProvider({ websocketProvider: this.socket, name: docName, document: this.doc });
      this.provider.on('synced', ({ state }) => this.onSynced(state));
      this.provider.on('close', ({ event }) => {
        this.closedWith = event?.code ?? null;
      });
      this.provider.attach();
    } else {
      const url = kind === 'werkraum' ? `ws://127.0.0.1:${port}/collab` : `ws://127.0.0.1:${port}`;
      this.provider = new WebsocketProvider(url, docName, this.doc, {
        WebSocketPolyfill: WebSocket,
        params: token ? { token } : {},
        disableBc: true,
        connect: false,
      });
      this.provider.on('sync', (state) => this.onSynced(state));
      this.provider.on('connection-close', (event) => {
        this.closedWith = event?.code ?? null;
      });
    }
    this.awareness = this.provider.awareness;
    this.awareness.setLocalStateField('user', user);
    // Only people who measure observe the document (the update is applied by everyone alike).
    if (onLatency) this.fragment.observeDeep((events, transaction) => this.observe(events, transaction));
  }

  get synced() {
    return this.kind === 'hocuspocus' ? this.provider.isSynced : this.provider.synced;
  }

  onSynced(state) {
    if (!state) return;
    this.measuring = true;
    const waiters = this.syncWaiters;
    this.syncWaiters = [];
    for (const resolve of waiters) resolve(now());
  }

  /** Resolves with the time of the next 'synced' (or at once if synced and `allowCurrent`). */
  whenSynced(timeoutMs = 30_000) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`sync timeout on ${this.docName} (close code ${this.closedWith})`)), timeoutMs);
      this.syncWaiters.push((t) => {
        clearTimeout(timer);
        resolve(t);
      });
    });
  }

  /** Opens the connection; resolves with the time it took until the document was synced. */
  async connect(token) {
    const t0 = now();
    const synced = this.whenSynced();
    if (this.kind === 'hocuspocus') {
      void this.socket.connect();
    } else {
      if (token) this.provider.params = { token };
      this.provider.connect();
    }
    return (await synced) - t0;
  }

  /** Drops the connection (as a network blip would) and opens a new one; resolves with the time until synced again. */
  async reconnect(token) {
    this.measuring = false;
    if (this.kind === 'hocuspocus') {
      // Its disconnect() closes asynchronously; connect() is a no-op until the close has arrived.
      const closed = new Promise((resolve) => {
        const done = () => {
          this.socket.off('disconnect', done);
          resolve();
        };
        this.socket.on('disconnect', done);
      });
      this.socket.disconnect();
      await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, 2_000))]);
      return this.connect();
    }
    this.provider.disconnect();
    return this.connect(token);
  }

  /** One edit: append a marker to this person's paragraph and move the cursor there. */
  edit() {
    const sentAt = now();
    this.doc.transact(() => {
      if (!this.text) {
        const paragraph = new Y.XmlElement('paragraph');
        this.text = new Y.XmlText();
        paragraph.insert(0, [this.text]);
        this.fragment.push([paragraph]);
      }
      this.text.insert(this.text.length, ` [e:${sentAt.toFixed(3)}] `);
    });
    const position = Y.relativePositionToJSON(Y.createRelativePositionFromTypeIndex(this.text, this.text.length));
    this.awareness.setLocalStateField('cursor', { anchor: position, head: position });
  }

  /** Writes `chars` characters of paragraphs in one transaction (a seeded document). */
  seed(chars) {
    this.doc.transact(() => {
      for (const line of seedParagraphs(chars)) {
        const paragraph = new Y.XmlElement('paragraph');
        paragraph.insert(0, [new Y.XmlText(line)]);
        this.fragment.push([paragraph]);
      }
    });
  }

  /** Characters of text in the document. */
  textLength() {
    let n = 0;
    for (const child of this.fragment.toArray()) {
      if (child instanceof Y.XmlElement) for (const t of child.toArray()) if (t instanceof Y.XmlText) n += t.length;
    }
    return n;
  }

  observe(events, transaction) {
    if (transaction.local || !this.measuring || !this.onLatency) return;
    const at = now();
    const scan = (text) => {
      MARKER.lastIndex = 0;
      for (let m = MARKER.exec(text); m; m = MARKER.exec(text)) this.onLatency(at - Number(m[1]), Number(m[1]));
    };
    for (const event of events) {
      if (event.target instanceof Y.XmlText) {
        for (const d of event.delta) if (typeof d.insert === 'string') scan(d.insert);
      } else {
        for (const d of event.delta) {
          if (Array.isArray(d.insert)) for (const el of d.insert) if (el instanceof Y.XmlElement) scan(el.toString());
        }
      }
    }
  }

  destroy() {
    this.measuring = false;
    try {
      this.provider.destroy();
      this.socket?.destroy();
    } catch {
      // already gone
    }
    this.doc.destroy();
  }
}
