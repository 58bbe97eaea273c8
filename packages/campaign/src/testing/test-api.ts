export type { TestApi } from '@psrkit/pipeline/testing';
