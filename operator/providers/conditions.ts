/**
 * Status conditions with the `metav1.Condition` rule that `lastTransitionTime` changes only when `status` flips.
 * Pure: the time is a parameter.
 */
import type { Condition } from '../kube/crds.ts';

/** A condition without its transition time, as evaluated. */
export type ConditionInput = Omit<Condition, 'lastTransitionTime'>;

/**
 * `next` conditions with transition times: kept from `previous` when the status is unchanged, `now` otherwise.
 * Order follows `next`.
 */
export function mergeConditions(
  previous: readonly Condition[] | undefined,
  next: readonly ConditionInput[],
  now: string,
): Condition[] {
  return next.map((condition) => {
    const before = previous?.find((candidate) => candidate.type === condition.type);
    const lastTransitionTime =
      before !== undefined && before.status === condition.status ? before.lastTransitionTime : now;
    return { ...condition, lastTransitionTime };
  });
}
