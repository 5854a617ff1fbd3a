// noVNC ships no types; this covers what the session view uses (noVNC docs/API.md).
declare module '@novnc/novnc' {
  export default class RFB extends EventTarget {
    constructor(target: HTMLElement, url: string, options?: { shared?: boolean; wsProtocols?: string[] })
    scaleViewport: boolean
    resizeSession: boolean
    viewOnly: boolean
    focusOnClick: boolean
    clipboardPasteFrom(text: string): void
    disconnect(): void
    focus(): void
  }
}

// Vite bundles imported stylesheets.
declare module '*.css'
