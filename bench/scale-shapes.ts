/** The shapes `npm run bench:scale` runs: chain3 (A → B → C) and diamond (A → B, C → D). */
import { chainShape, fanShape, type Shape } from './shapes.ts';

export const SCALE_SHAPES: readonly Shape[] = [chainShape(3), fanShape('diamond', 2)];
