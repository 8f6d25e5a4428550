/** agent-core's public API: the provisioning engine, with no Electron and no DOM. */
export {
  claimProvisionCode,
  fetchApplianceConfig,
  fetchAssignment,
  reportStatus,
  sendHeartbeat,
  validateProvisionCode,
  withClient,
  type ApiOptions,
  type Assignment,
  type ClaimAnswer,
  type ClaimOptions,
  type ValidatedCode,
} from './protocol/api.js';
export { readClaimAnswer, type ClaimedSite, type Partner } from './protocol/answers.js';
export { canonicalJson } from './protocol/canonical-json.js';
export { loadServerKey, publicKeyHex, verifySignature } from './protocol/signature.js';
export { groupProvisionCode, isProvisionCode, maskProvisionCode, normalizeProvisionCode, parseProvisionCode } from './codes/codes.js';
export * as constants from './constants.js';
export * from './protocol/contract.js';
export { AgentLoaderSchema, ApplianceConfigSchema, ConfigOverridesSchema, LOG_LEVELS, type ApplianceConfig } from './config/schema.js';
export { needsProvisioning, readConfigState, DEFAULT_CONFIG_PATH, type ConfigState } from './config/state.js';
export { createConfig, type CreateConfigInput, type CreateConfigOptions, type WrittenConfig } from './config/write.js';
export { parseConfigText, serializeConfig } from './config/yaml-codec.js';
export { isAllowedEndpoint, isLoopbackHost, parseApiEndpoint } from './http/endpoint.js';
export { writeFileAtomic } from './fs/atomic-write.js';
export { HttpClient, type HttpClientOptions } from './http/client.js';
export { startHeartbeats, type HeartbeatOptions } from './flow/heartbeat.js';
export { fallbackMac, getHardwareId, getHostname, getIdentity, getMacAddress, isMacAddress, type ApplianceIdentity } from './identity/index.js';
export { readJournal, type JournalEntry } from './state/journal.js';
export { runPreflight, type PreflightReport, type StageResult } from './http/preflight.js';
export { parseQrPayload, type QrProvisioning } from './codes/qr-payload.js';
export { ERROR_CODES, ERROR_MESSAGES, fail, ok, type ErrorCode, type Failure, type Result } from './result.js';
export { FLOW_STEPS, type FlowFailure, type FlowResult, type FlowStep, type FlowSuccess, type ProgressEvent } from './flow/events.js';
export { runProvisioningFlow, type FlowOptions } from './flow/flow.js';
export { runDropshipFlow, type DropshipOptions } from './flow/dropship.js';
export { DropshipPoller, type DropshipStatus } from './flow/dropship-poller.js';
export { VERSION } from './version.js';
export { runProvisioningAuto, runProvisioningCli, type RunOptions } from './cli/run.js';
export { main as runCli } from './cli/main.js';
export { ProvisioningService, type ApplianceState, type IdentityInfo, type ProvisionRequest, type ServiceOptions } from './service.js';
