import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/store/index.ts', 'src/testing/index.ts'],
  format: ['esm'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'node22',
});
