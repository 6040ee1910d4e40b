/**
 * Every HTTP(S) and WebSocket request Firefox sends, with who asked for it, seen from the browser's parent
 * process: an `http-on-modify-request` observer (fired for each channel just before it goes out, whatever
 * process made it) installed in the browser window's privileged scope. BiDi's own network events do not
 * cover extension pages or the background (an options-page fetch was never reported), so this is the
 * Firefox-side witness for reliability test 10.
 */
import type { FirefoxExt } from './harness';

export interface SeenRequest {
  url: string;
  /** The triggering principal's origin: a page's origin, `moz-extension://…`, `[System Principal]`, or an
   *  expanded principal (`[Expanded Principal [page, moz-extension://…]]`, a content script's own request). */
  by: string;
  /** The add-on id of the triggering or loading principal, or '' when neither belongs to an add-on. */
  addonId: string;
  /** Triggered by Firefox itself (its own services, or a navigation the test driver asked for). */
  system: boolean;
}

export interface NetworkWatch {
  requests(): Promise<SeenRequest[]>;
  stop(): Promise<void>;
}

export async function watchNetwork(ff: FirefoxExt): Promise<NetworkWatch> {
  await ff.evaluateInChrome(`(() => {
    const seen = [];
    const observer = {
      observe(subject) {
        const channel = subject.QueryInterface(Ci.nsIHttpChannel);
        const { triggeringPrincipal: t, loadingPrincipal: l } = channel.loadInfo ?? {};
        const addonOf = (p) => (p ? p.addonId || (p.isAddonOrExpandedAddonPrincipal ? p.origin : '') : '');
        seen.push({
          url: channel.URI.spec,
          by: t?.origin ?? l?.origin ?? '',
          addonId: addonOf(t) || addonOf(l),
          system: !!t?.isSystemPrincipal,
        });
      },
    };
    Services.obs.addObserver(observer, 'http-on-modify-request');
    window.__tokenwiseNetworkWatch = { seen, observer };
    return true;
  })()`);
  return {
    requests: () => ff.evaluateInChrome<SeenRequest[]>('window.__tokenwiseNetworkWatch.seen'),
    stop: () =>
      ff.evaluateInChrome(`(() => {
        Services.obs.removeObserver(window.__tokenwiseNetworkWatch.observer, 'http-on-modify-request');
        return true;
      })()`),
  };
}
