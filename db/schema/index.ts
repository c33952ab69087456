export * from './users';
export * from './audit';
export * from './sources';
export * from './searches';
export * from './detection';
export * from './rollups';
export * from './integrity';
