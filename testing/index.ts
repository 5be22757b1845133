/**
 * `koppla/testing`: what a connector author runs from their own vitest. `describeConnectorContract`
 * is the suite the built-in Fortnox and WooCommerce connectors pass.
 */
export { describeConnectorContract, type ConnectorContractOptions } from './describe-connector-contract.ts';
export { startContractTarget, type ContractTarget, type LoggedLine } from './contract-target.ts';
export {
  startRecordingProxy,
  type ProxiedRequest,
  type ProxyFault,
  type RecordingProxy,
} from './recording-proxy.ts';
