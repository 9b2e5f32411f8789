/**
 * Version of the socket protocol. The client sends it in the handshake; the server refuses a
 * client with another version ("please reload"). Bump it on every incompatible change.
 */
export const PROTOCOL_VERSION = 3;
