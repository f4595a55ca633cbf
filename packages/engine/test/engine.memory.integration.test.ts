import { InMemoryExecutionStore } from '@spane/store-memory';
import { defineEngineSuite } from './engine-suite.ts';

defineEngineSuite({ name: 'memory store', create: async () => new InMemoryExecutionStore() });
