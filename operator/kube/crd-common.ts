/** Shapes both kubeoidc custom resources use. */

/** A key in a Secret of the resource's namespace. */
export interface SecretKeyRef {
  /** Name of the Secret. */
  name: string;
  /** Key inside the Secret's data. */
  key: string;
}

/** `metav1.Condition`, as stored in status (timestamps are RFC 3339 strings on the wire). */
export interface Condition {
  /** Condition type, e.g. `Ready`. */
  type: string;
  /** Whether the condition holds. */
  status: 'True' | 'False' | 'Unknown';
  /** `metadata.generation` the condition was computed from. */
  observedGeneration?: number;
  /** When `status` last changed (RFC 3339). */
  lastTransitionTime: string;
  /** CamelCase machine-readable cause. */
  reason: string;
  /** Human-readable details; may be empty. */
  message: string;
}

/** Quantities such as `cpu: 100m` or `memory: 128Mi` (numbers are accepted too). */
export type ResourceList = Record<string, string | number>;

/** Compute resources of the provider container (the subset of `core/v1.ResourceRequirements` kubeoidc passes on). */
export interface ResourceRequirements {
  /** Maximum amounts. */
  limits?: ResourceList;
  /** Amounts the scheduler reserves. */
  requests?: ResourceList;
}

/** An integer or a percentage string such as `50%`. */
export type IntOrString = number | string;
