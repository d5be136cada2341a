/** The error function and its complement: the library's one implementation is in the activation table's file. */
export { erf, erfc } from '../backend/activation.js';
