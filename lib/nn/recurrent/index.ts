/** Recurrent layers and cells (PyTorch's), with the recurrent dropout family built in. */
export {
  DROPOUT_ONE_LAYER,
  GRU,
  LSTM,
  RNN,
  RNNBase,
  type GRUOptions,
  type LSTMOptions,
  type RecurrentOptions,
  type RNNOptions,
  type ZoneoutRates,
} from './rnn.js';
export { GRUCell, LSTMCell, RNNCell, RNNCellBase, type ElmanCellOptions, type RNNCellOptions } from './cells.js';
