// Live camera: the camera's video with a labelled box over each face, updated frame after frame. Frames are
// processed back to back (never more than one in flight, always the newest), so a slow device shows fewer
// updates, not a backlog.
// Emits `live-frame` (detail: LiveFrameResult) after each processed frame.
import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import type { LiveFace, LiveFrameResult, LiveSession, Matcher } from '../index';
import { alertMessage, messageFor } from './messages';
import { faceBoxStyles, panelStyles } from './shared-styles';
import { LiveFrameEvent } from './events';
import { matchLabel, matchTag } from './match-words';

/** The fps readout covers the frames processed over this last stretch of time. */
const FPS_WINDOW_MS = 2000;
/** ...and changes at most this often: new text every frame is layout and paint for a figure no one reads so fast. */
const FPS_READOUT_MS = 500;

@customElement('live-camera')
export class LiveCamera extends LitElement {
  static styles = [
    panelStyles,
    faceBoxStyles,
    css`
      .frame {
        position: relative;
        display: inline-block;
        max-width: 100%;
        line-height: 0;
      }
      video {
        display: block;
        max-width: 100%;
        max-height: 70vh;
        background: #000;
        border-radius: 6px;
      }
      .box {
        line-height: normal;
      }
      .box.pending {
        border-color: #8a8f98;
        border-style: dashed;
      }
      .tag {
        border-radius: 3px 3px 0 0;
      }
      .box.unknown .tag {
        background: #b34700; /* as on photos: white text on #ff6f00 was 2.8:1 */
      }
      .box.pending .tag {
        background: #5f6368;
      }
      .fps {
        font-variant-numeric: tabular-nums;
        font-size: 0.85rem;
        opacity: 0.8;
      }
    `,
  ];

  @property({ attribute: false }) matcher!: Matcher;
  @state() private running = false;
  @state() private faces: LiveFace[] = [];
  @state() private size = { width: 0, height: 0 };
  @state() private fps = 0;
  /** Names seen, as text for screen readers: changes only when who is in view changes, not every frame. */
  @state() private seen = '';
  @state() private error = '';
  @query('video') private video!: HTMLVideoElement;
  private stream: MediaStream | null = null;
  private session: LiveSession | null = null;
  private processedAt: number[] = [];
  private fpsShownAt = -Infinity;
  /** One frame in flight at most. */
  private processing = false;
  /** Time between camera frames, from the camera's frame rate. */
  private frameIntervalMs = 1000 / 30;
  private readonly onHidden = () => {
    if (document.hidden) void this.stop();
  };

  connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('visibilitychange', this.onHidden);
  }

  disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('visibilitychange', this.onHidden);
    void this.stop();
  }

  private async start() {
    if (this.session) return; // already starting
    this.error = '';
    if (!navigator.mediaDevices?.getUserMedia) {
      this.error = 'This browser cannot use a camera here (it needs a secure page: https or localhost).';
      return;
    }
    try {
      this.session = this.matcher.startLiveSession();
      this.stream = await navigator.mediaDevices.getUserMedia({
        video: { width: { ideal: 640 }, height: { ideal: 480 } },
        audio: false,
      });
      this.frameIntervalMs = 1000 / (this.stream.getVideoTracks()[0]?.getSettings().frameRate || 30);
      this.running = true;
      this.processedAt = [];
      this.fpsShownAt = -Infinity;
      this.setAttribute('data-frames', '0');
      this.setAttribute('data-embeds', '0');
      await this.updateComplete;
      this.video.srcObject = this.stream;
      await this.video.play();
      this.watchFrames();
    } catch (error) {
      const name = (error as { name?: string }).name;
      this.error =
        name === 'NotAllowedError'
          ? 'Camera permission was refused. Allow the camera for this site to use the live view.'
          : name === 'NotFoundError'
            ? 'No camera was found on this device.'
            : messageFor(error).text;
      await this.stop();
    }
  }

  /**
   * Waits for the next camera frame, then processes it. Nothing watches while a frame is processed: each watched
   * camera frame costs the page a rendering update, and on a slow phone most frames arrive meanwhile. One that did
   * is taken as soon as the last is done (see processFrame), rather than waiting for the one after it.
   */
  private watchFrames() {
    if (!this.running || !this.video) return;
    const v = this.video;
    const onFrame = () => void this.processFrame();
    // requestVideoFrameCallback fires once per new camera frame; rAF is the fallback where it is missing.
    if ('requestVideoFrameCallback' in v) v.requestVideoFrameCallback(onFrame);
    else requestAnimationFrame(onFrame);
  }

  private async processFrame() {
    const session = this.session;
    if (!this.running || !session || this.processing) return;
    if (this.video.videoWidth === 0) return this.watchFrames();
    this.processing = true;
    const takenAt = performance.now();
    try {
      const frame = await createImageBitmap(this.video);
      const result = await session.process(frame);
      if (session !== this.session) return; // stopped meanwhile
      this.show(result, session);
    } catch (error) {
      if (session !== this.session) return; // a frame still in flight when the camera was stopped
      this.error = messageFor(error).text;
      await this.stop();
      return;
    } finally {
      this.processing = false;
    }
    // Processing outlasted a camera frame: a newer one is there, so take it now; else wait for it.
    if (performance.now() - takenAt >= this.frameIntervalMs) void this.processFrame();
    else this.watchFrames();
  }

  private show(result: LiveFrameResult, session: LiveSession) {
    this.faces = result.faces;
    this.size = { width: result.width, height: result.height };
    const now = performance.now();
    this.processedAt = [...this.processedAt.filter((t) => now - t <= FPS_WINDOW_MS), now];
    const span = now - this.processedAt[0];
    if (now - this.fpsShownAt >= FPS_READOUT_MS) {
      this.fps = span > 0 ? ((this.processedAt.length - 1) * 1000) / span : 0;
      this.fpsShownAt = now;
    }
    this.setAttribute('data-frames', String(session.stats.frames));
    this.setAttribute('data-embeds', String(session.stats.embeds));
    const seen = describeSeen(result.faces);
    if (seen !== this.seen) this.seen = seen;
    this.dispatchEvent(new LiveFrameEvent(result));
  }

  private async stop() {
    this.running = false;
    this.stream?.getTracks().forEach((t) => t.stop());
    this.stream = null;
    const session = this.session;
    this.session = null;
    this.faces = [];
    this.seen = '';
    this.fps = 0;
    await session?.end().catch(() => undefined);
  }

  private box(f: LiveFace) {
    const pct = (v: number, of: number) => `${(100 * v) / of}%`;
    const { width, height } = this.size;
    const m = f.match;
    const kind = m === null ? 'pending' : m.kind;
    const label = m === null ? '' : matchLabel(m);
    // No list below a live view explains a name (identify's does), so a named face's tag carries its similarity.
    const tag = m === null ? '…' : m.kind === 'known' ? `${m.name} ${m.reading.similarityPercent}%` : matchTag(m);
    return html`<div
      class="box ${kind}"
      data-testid="live-face-box"
      data-track=${f.trackId}
      data-label=${label}
      data-box=${[f.box.x, f.box.y, f.box.width, f.box.height].map((v) => v.toFixed(1)).join(',')}
      style="left:${pct(f.box.x, width)};top:${pct(f.box.y, height)};width:${pct(f.box.width, width)};height:${pct(f.box.height, height)}"
    >
      <span class="tag">${tag}</span>
    </div>`;
  }

  render() {
    return html`
      <div class="row">
        ${
          this.running
            ? html`<button type="button" class="secondary" data-testid="live-stop" @click=${() => this.stop()}>
                  Stop live camera
                </button>
                <span class="fps" data-testid="live-fps" data-fps=${this.fps.toFixed(1)}
                  >${this.fps.toFixed(1)} frames/s</span
                >`
            : html`<button type="button" data-testid="live-start" @click=${this.start}>Live camera</button>`
        }
      </div>
      ${
        this.running
          ? html`<div class="frame" data-testid="live-view">
              <video playsinline muted aria-label="Live camera view"></video>
              ${this.size.width > 0 ? this.faces.map((f) => this.box(f)) : nothing}
            </div>`
          : nothing
      }
      <p aria-live="polite" data-testid="live-names">${this.running ? this.seen : ''}</p>
      ${alertMessage(this.error, 'live-error')}
    `;
  }
}

/** "In view: Ada, Unknown" — names sorted, so the text changes only when who is in view changes. */
function describeSeen(faces: readonly LiveFace[]): string {
  const names = faces.map((f) => (f.match === null ? null : matchTag(f.match))).filter((n): n is string => n !== null);
  if (faces.length === 0) return 'No face in view.';
  return names.length ? `In view: ${[...names].sort().join(', ')}.` : 'Looking…';
}

declare global {
  interface HTMLElementTagNameMap {
    'live-camera': LiveCamera;
  }
}
