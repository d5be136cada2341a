// Recurrent layers, one layer in one direction, forward and backward through time (PyTorch's
// equations, gate order as its weights: LSTM i, f, g, o; GRU r, z, n; RNN one gate).
//
//   x (T, B, I)   y (T, B, O)   O = P (the LSTM projection) or H   wIh (G*H, I)   wHh (G*H, O)
//   LSTM: a = (x.mx_q) Wih_q^T + b_ih + (h.mh_q) Whh_q^T + b_hh per gate q
//         i, f, o = sigmoid, g = tanh; c~ = f c + i g; m = o tanh(c~); h~ = P ? m Whr^T : m
//         c = dc c + (1 - dc) c~;  h = dh h + (1 - dh) h~          (zoneout weights dc, dh)
//   GRU:  r, z = sigmoid(...); hn = (h.mh_n) Whn^T + b_hn; n = tanh(x_n + r hn);
//         h~ = (1 - z) n + z h  (the carried h is never masked);  h = dh h + (1 - dh) h~
//   RNN:  h~ = tanh or relu(x Wih^T + b_ih + h Whh^T + b_hh);       h = dh h + (1 - dh) h~
//
// mx (B, in_masks, I) and mh (B, rec_masks, O) are inverted-dropout masks (0 or 1/(1-p)), one
// per sample, reused at every step; a count of 1 shares one mask between the gates, `gates` gives
// each its own. Zoneout weights zh (T, B, O) and zc (T, B, H) are per step (null: 0).
//
// The workspace (T, B, width) keeps what backward needs: LSTM [i f g o c~ c] (6H), GRU [r z n hn]
// (4H), RNN [h~] (H), indexed by input time.
//
// Work: the input projection of all T steps is one GEMM (or one per gate with per-gate input
// masks); each step is one GEMM of (B, O) by (O, G*H) (one per gate with per-gate recurrent
// masks) plus one fused pass for the gates; the LSTM projection is one more GEMM per step. The
// weights used at every step (W_hh, or each gate's rows of it, and W_hr) are packed into the
// micro-kernel's panels once per call; each step then runs the micro-kernel on the state in place.
// Backward: per step the fused gate pass and one GEMM for dh; then the weight gradients of all
// steps at once, one GEMM each (in the fixed order of the GEMM driver, which splits only M and
// N), so every result is bit-identical for any thread count. Arguments are validated by the caller.
#pragma once

#include <cstddef>

namespace dn {

enum class RnnCell : int { rnn_tanh = 0, rnn_relu = 1, lstm = 2, gru = 3 };

struct RnnShape {
  RnnCell cell;
  std::size_t steps, batch, input, hidden, proj;  // proj 0: none
  std::size_t in_masks, rec_masks;                // 0, 1 or gates
  bool reverse;
  std::size_t gates() const { return cell == RnnCell::lstm ? 4 : cell == RnnCell::gru ? 3 : 1; }
  std::size_t out() const { return proj > 0 ? proj : hidden; }
  std::size_t width() const { return (cell == RnnCell::lstm ? 6 : cell == RnnCell::gru ? 4 : 1) * hidden; }
};

struct RnnForwardArgs {
  float* y;
  float* h_n;
  float* c_n;  // LSTM only
  float* ws;
  const float *x, *w_ih, *w_hh, *b_ih, *b_hh, *w_hr;  // biases and w_hr may be null
  const float *h0, *c0;                               // c0: LSTM only
  const float *in_mask, *rec_mask, *zone_h, *zone_c;  // each may be null
};

struct RnnBackwardArgs {
  float *dx, *dh0, *dc0, *dw_ih, *dw_hh, *db_ih, *db_hh, *dw_hr;  // db_*, dw_hr, dc0 may be null
  const float *dy, *dh_n, *dc_n;
  const float *x, *w_ih, *w_hh, *w_hr, *h0, *c0, *y, *ws;
  const float *in_mask, *rec_mask, *zone_h, *zone_c;
};

// May throw std::bad_alloc (scratch buffers); nothing else.
void rnn_forward(const RnnShape& s, const RnnForwardArgs& a);
void rnn_backward(const RnnShape& s, const RnnBackwardArgs& a);

}  // namespace dn
