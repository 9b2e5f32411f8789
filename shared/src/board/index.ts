/**
 * The whiteboard of a room: the Yjs document model (read, change, outline) and the SVG scene both
 * the browser and the server render from.
 */
export * from './model.js';
export * from './scene.js';
export * from './validate.js';
