// The part of oidc-provider's API the benchmark peer uses (the package ships no types; it is never a runtime
// dependency of kubeoidc).
declare module 'oidc-provider' {
  export default class Provider {
    constructor(issuer: string, configuration: Record<string, unknown>);
    listen(port: number, host: string, callback: () => void): unknown;
  }
}
