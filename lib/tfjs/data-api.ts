/**
 * The tf.data namespace: tfjs's dataset factories (array, generator, zip, csv) and classes.
 * Browser sources (webcam, microphone) throw, naming what to use instead.
 */
import { CSVDataset, csv } from './data-csv.js';
import { array, Dataset, generator, zip } from './data.js';

function browserOnly(api: string): () => never {
  return () => {
    throw new Error(
      `dropnet/tfjs: tf.data.${api} is not supported (a browser source); feed the samples through tf.data.generator or tf.data.array`,
    );
  };
}

export const data = {
  array,
  generator,
  zip,
  csv,
  Dataset,
  CSVDataset,
  webcam: browserOnly('webcam'),
  microphone: browserOnly('microphone'),
};
