// Property-based tests run from one seed per suite run, so CI is reproducible: FC_SEED=<n> picks
// another (and a failure report names the seed and path that reproduce it).
import fc from 'fast-check';

const seed = Number(process.env['FC_SEED'] ?? 20261121);
fc.configureGlobal({ seed });
