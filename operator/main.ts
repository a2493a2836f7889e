/** The operator's entry point. The operator is being built (issue 4); until then this says so and exits. */
console.error('kubeoidc operator: not built yet in this version');
process.exit(1);
