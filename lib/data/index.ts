/** Datasets, batching and splits. */
export { DataLoader, type DataLoaderOptions, type DataLoaderState, type LoaderBatch } from './dataloader.js';
export { asDataset, gatherRows, Subset, TensorDataset, toTensorDataset, type Batch, type Dataset, type Targets } from './dataset.js';
export { permutation } from './permutation.js';
export { randomSplit, splitSizes, trainTestSplit, type SplitOptions, type TrainTestSplitOptions } from './split.js';
