// Other clients against the service under test: Debian's parsec-tool (the reference Rust client) for the interop
// suites, natively or in a client container, and a client image of the user's (`run --client-image`).
export { containerParsecTool, nativeParsecTool, runOk, SOCKET_IN_CLIENT, type ParsecTool } from './parsec-tool';
export { parsecToolSuite, resolveParsecTool } from './tool-source';
export {
  CLIENT_IMAGE_ENV,
  clientImageSlug,
  runClientImage,
  type ClientImageRequest,
  type ClientImageRun,
} from './client-image';
export { ClientCommandError, tailOf, type ToolResult } from './tool-result';
