// The signed-in session: the API key (kept in localStorage), its role (from `me`), the urql
// client built on it and the live (graphql-ws) connection state. One instance for the whole app.
import type { Client } from '@urql/core';
import { createPaidsyncClient, type PaidsyncClient } from './client';
import { graphql } from './gql';

export type Role = 'VIEWER' | 'OPERATOR' | 'ADMIN';
export type LiveState = 'connecting' | 'live' | 'reconnecting';

const STORAGE_KEY = 'paidsync.apiKey';

// who the key belongs to and what it may do: one query checks the key and tells its role
const MeQuery = graphql(`
  query Me {
    me {
      id
      name
      role
    }
  }
`);

function codesOf(error: { graphQLErrors?: ReadonlyArray<{ extensions?: Record<string, unknown> }> } | undefined) {
  return (error?.graphQLErrors ?? []).map((e) => String(e.extensions?.code ?? ''));
}

class Session {
  key = $state<string | null>(null);
  role = $state<Role | null>(null);
  /** the name the key was given when it was created */
  keyName = $state<string | null>(null);
  /** null until the stored key has been checked */
  ready = $state(false);
  /** why the user was signed out, shown on the sign-in screen */
  notice = $state<string | null>(null);
  live = $state<LiveState>('connecting');
  /** bumped each time the live connection comes back after a drop: views refetch what they may have missed */
  reconnects = $state(0);
  #paidsync: PaidsyncClient | null = null;

  get client(): Client {
    if (!this.#paidsync) throw new Error('not signed in');
    return this.#paidsync.client;
  }

  get canOperate() {
    return this.role === 'OPERATOR' || this.role === 'ADMIN';
  }

  get isAdmin() {
    return this.role === 'ADMIN';
  }

  /** on start: restore the stored key, if any */
  async restore() {
    const stored = typeof localStorage === 'undefined' ? null : localStorage.getItem(STORAGE_KEY);
    if (stored) {
      let result = await this.signIn(stored);
      // the server may be restarting: keep the saved key and try again rather than ask for it
      for (let attempt = 1; result === 'unreachable' && attempt <= 60; attempt++) {
        this.notice = 'Cannot reach the paidsync server. Retrying…';
        this.ready = true;
        await new Promise((resolve) => setTimeout(resolve, Math.min(10_000, 1000 * attempt)));
        if (this.key || localStorage.getItem(STORAGE_KEY) !== stored) return; // signed in meanwhile, or cleared
        result = await this.signIn(stored);
      }
      if (result === 'invalid') {
        localStorage.removeItem(STORAGE_KEY);
        this.notice = 'Your saved API key is no longer valid. Sign in again.';
      }
    }
    this.ready = true;
  }

  /** checks the key against the API; on success keeps it and opens the session */
  async signIn(rawKey: string): Promise<'ok' | 'invalid' | 'unreachable'> {
    const key = rawKey.trim();
    if (!key) return 'invalid';
    const paidsync = createPaidsyncClient({
      apiKey: key,
      onUnauthenticated: () => this.expire(),
      onLive: (state, reconnected) => {
        this.live = state;
        if (reconnected) this.reconnects += 1;
      },
    });
    const me = await paidsync.client.query(MeQuery, {}, { requestPolicy: 'network-only' }).toPromise();
    if (me.error || !me.data) {
      paidsync.dispose();
      if (codesOf(me.error).includes('UNAUTHENTICATED')) return 'invalid';
      return 'unreachable';
    }
    this.#paidsync?.dispose();
    this.#paidsync = paidsync;
    this.key = key;
    this.role = me.data.me.role;
    this.keyName = me.data.me.name;
    this.notice = null;
    localStorage.setItem(STORAGE_KEY, key);
    return 'ok';
  }

  signOut(notice: string | null = null) {
    localStorage.removeItem(STORAGE_KEY);
    this.#paidsync?.dispose();
    this.#paidsync = null;
    this.key = null;
    this.role = null;
    this.keyName = null;
    this.live = 'connecting';
    this.notice = notice;
  }

  /** the server refused the key (revoked while the page was open) */
  expire() {
    if (this.key) this.signOut('Your API key was revoked or is no longer valid. Sign in with another key.');
  }
}

export const session = new Session();
