export * from './waterfall.js';
export * from './spec-overlay.js';
export * from './session-strip.js';
export * from './span-logs.js';
export * from './time-window.js';

import type { WaterfallView } from './waterfall.js';
import type { SpecOverlayView } from './spec-overlay.js';
import type { SessionStripView } from './session-strip.js';

/** Every view model a page or the MCP App draws. */
export type ViewModel = WaterfallView | SpecOverlayView | SessionStripView;
