# One image, two entries: `kubeoidc provider` (default) and `kubeoidc operator`.
# Build: docker build -t kubeoidc:dev .
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY provider ./provider
COPY operator ./operator
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

FROM node:24-bookworm-slim
# One glibc malloc arena: each argon2id password hash (19 MiB) is malloc'd on a libuv thread, and glibc keeps it
# resident in that thread's own arena (its mmap threshold rises past 19 MiB after the first free), so a login burst
# left up to four such blocks (one per pool thread, ≈ 80 MB) resident for good. With one arena the block is reused:
# peak RSS under a login burst ≈ 140 MB instead of ≈ 200 MB, same CPU per login; cost: one malloc lock for all
# threads (≈ 10 % more CPU per JWT-signing request measured on a loaded machine; docs/performance.md).
ENV NODE_ENV=production MALLOC_ARENA_MAX=1
WORKDIR /app
COPY --from=build --chown=root:root /app/package.json ./package.json
COPY --from=build --chown=root:root /app/node_modules ./node_modules
COPY --from=build --chown=root:root /app/dist ./dist
# Non-root, read-only root filesystem friendly: nothing is written under /app at run time.
USER 65532:65532
EXPOSE 3000 9464
# A 4 MB young generation (V8's default grows to 32 MB per semi-space under load, all of it resident): the provider
# stays near 150 MB under sustained load instead of ~225 MB, with no measured loss of throughput. No allocation-site
# pretenuring: with many requests in flight, V8 took the sites of per-request objects for long-lived ones and
# allocated them straight in the old generation, where they died; without it, on one core (as the bench pins it),
# sustained client_credentials and introspection load holds 30-45 MB less and costs 1-26 % less CPU per request;
# with two cores to use, within a few per cent of it (docs/performance.md).
ENTRYPOINT ["node", "--max-semi-space-size=4", "--no-allocation-site-pretenuring", "/app/dist/bin/kubeoidc.js"]
CMD ["provider"]
