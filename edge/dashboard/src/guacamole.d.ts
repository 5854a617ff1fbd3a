// guacamole-common-js ships no types; this covers what the server-session view uses (guacamole-common-js 1.5.0,
// whose ESM build ends in `export default Guacamole`).
declare module 'guacamole-common-js' {
  namespace Guacamole {
    class Status {
      constructor(code: number, message?: string)
      code: number
      message?: string
      isError(): boolean
    }
    namespace Status {
      /** The protocol's status codes (Guacamole protocol reference, "Status codes"). */
      const Code: Record<string, number>
    }

    interface Tunnel {
      onerror: ((status: Status) => void) | null
      onstatechange: ((state: number) => void) | null
    }
    namespace Tunnel {
      const State: { CONNECTING: 0; OPEN: 1; CLOSED: 2; UNSTABLE: 3 }
    }
    class WebSocketTunnel implements Tunnel {
      constructor(url: string)
      onerror: ((status: Status) => void) | null
      onstatechange: ((state: number) => void) | null
    }

    class InputStream {
      index: number
      sendAck(message: string, code: number): void
    }
    class OutputStream {
      index: number
      onack: ((status: Status) => void) | null
    }

    class Display {
      getElement(): HTMLDivElement
      getWidth(): number
      getHeight(): number
      getScale(): number
      scale(scale: number): void
      showCursor(shown: boolean): void
      onresize: ((width: number, height: number) => void) | null
      oncursor: ((canvas: HTMLCanvasElement, x: number, y: number) => void) | null
    }

    class Client {
      constructor(tunnel: Tunnel)
      connect(data?: string): void
      disconnect(): void
      getDisplay(): Display
      sendSize(width: number, height: number): void
      sendKeyEvent(pressed: boolean | 0 | 1, keysym: number): void
      sendMouseState(state: Mouse.State, applyDisplayScale?: boolean): void
      createClipboardStream(mimetype: string): OutputStream
      createFileStream(mimetype: string, filename: string): OutputStream
      createArgumentValueStream(mimetype: string, name: string): OutputStream
      onstatechange: ((state: number) => void) | null
      onerror: ((status: Status) => void) | null
      onclipboard: ((stream: InputStream, mimetype: string) => void) | null
      onfile: ((stream: InputStream, mimetype: string, filename: string) => void) | null
      onrequired: ((parameters: string[]) => void) | null
    }
    namespace Client {
      const State: { IDLE: 0; CONNECTING: 1; WAITING: 2; CONNECTED: 3; DISCONNECTING: 4; DISCONNECTED: 5 }
    }

    class Mouse {
      constructor(element: Element)
      onEach(types: string[], listener: (event: Mouse.Event) => void): void
      setCursor(canvas: HTMLCanvasElement, x: number, y: number): boolean
    }
    namespace Mouse {
      class State {}
      class Event {
        state: State
      }
    }

    class Keyboard {
      constructor(element?: Element | Document)
      onkeydown: ((keysym: number) => boolean | void) | null
      onkeyup: ((keysym: number) => void) | null
      reset(): void
    }

    class StringReader {
      constructor(stream: InputStream)
      ontext: ((text: string) => void) | null
      onend: (() => void) | null
    }
    class StringWriter {
      constructor(stream: OutputStream)
      sendText(text: string): void
      sendEnd(): void
    }
    class BlobReader {
      constructor(stream: InputStream, mimetype: string)
      getBlob(): Blob
      onend: (() => void) | null
    }
    class BlobWriter {
      constructor(stream: OutputStream)
      sendBlob(blob: Blob): void
      sendEnd(): void
      onack: ((status: Status) => void) | null
      onerror: ((blob: Blob, offset: number, error: DOMException | null) => void) | null
      oncomplete: ((blob: Blob) => void) | null
    }
  }
  export default Guacamole
}
