"""Lab 5's typical mistakes, as edits of the solution (see :mod:`autograder.mutants`)."""

from autograder.mutants import Edit, mutant

CONV, CONV_B = "conv_forward_naive", "conv_backward_naive"
POOL, POOL_B = "max_pool_forward_naive", "max_pool_backward_naive"
FAST, FAST_B = "conv_forward_fast", "conv_backward_fast"
IM2COL, COL2IM, NET = "im2col", "col2im", "ThreeLayerConvNet"

# The check that refuses settings which do not tile the input (conv_forward_naive, im2col).
TILES = ("if (H + 2 * pad - HH) % stride or (W + 2 * pad - WW) % stride or \\\n"
         "            H + 2 * pad < HH or W + 2 * pad < WW:")
BIGGER_THAN_INPUT = "if H + 2 * pad < HH or W + 2 * pad < WW:"
COL_LAYOUT = "windows.transpose(1, 4, 5, 0, 2, 3)"
# Entry (a, b) of every pooling window at once, and where max_pool_backward_naive routes it.
POOL_ENTRY = "entry = x[:, :, a:a + stride * H_out:stride, b:b + stride * W_out:stride]"
POOL_FIRST = "x[:, :, 0:stride * H_out:stride, 0:stride * W_out:stride].copy()"
ROUTE_ROWS, ROUTE_COLS = ("slice(a, a + stride * H_out, stride)",
                          "slice(b, b + stride * W_out, stride)")

MUTANTS = (
    # conv_forward_naive
    mutant("conv_forward_flipped_filters", "test_conv_forward_naive",
           "Flips every filter (a textbook convolution) instead of using w as it is.",
           Edit(CONV, "np.sum(window * w[f])", "np.sum(window * w[f, :, ::-1, ::-1])")),
    mutant("conv_forward_floor_no_error", "test_conv_forward_naive",
           "Rounds the output size down instead of refusing settings that do not tile the "
           "input.",
           Edit(CONV, TILES, BIGGER_THAN_INPUT)),
    mutant("conv_forward_no_bias", "test_conv_forward_naive",
           "Forgets to add the bias.",
           Edit(CONV, "np.sum(window * w[f]) + b[f]", "np.sum(window * w[f])")),
    mutant("conv_forward_pads_one_side", "test_conv_forward_naive",
           "Pads only the bottom and right edges (2 * pad zeros there) instead of pad on every "
           "side.",
           Edit(CONV, "(pad, pad), (pad, pad)))", "(0, 2 * pad), (0, 2 * pad)))")),
    mutant("conv_forward_stride_ignored", "test_conv_forward_naive",
           "Right output size, but the window of output (i, j) starts at (i, j) instead of "
           "(i * stride, j * stride).",
           Edit(CONV, "top, left = i * stride, j * stride", "top, left = i, j")),
    # conv_backward_naive
    mutant("conv_backward_db_wrong_axes", "test_conv_backward_naive",
           "Sums the bias gradient over the wrong axes (filters and positions instead of "
           "examples and positions), giving one number per example.",
           Edit(CONV_B, "db = dout.sum(axis=(0, 2, 3))", "db = dout.sum(axis=(1, 2, 3))")),
    mutant("conv_backward_dw_without_dout", "test_conv_backward_naive",
           "Adds the windows to dw without weighting them by the upstream gradient.",
           Edit(CONV_B, "dw[f] += dout[n, f, i, j] * window", "dw[f] += window")),
    mutant("conv_backward_padding_kept", "test_conv_backward_naive",
           "Returns the gradient of the padded input: the padding is never cut off dx.",
           Edit(CONV_B, "dx = dx_pad[:, :, pad:pad + H, pad:pad + W]", "dx = dx_pad")),
    mutant("conv_backward_stride_ignored", "test_conv_backward_naive",
           "The backward pass ignores the stride: the window of output (i, j) is taken at "
           "(i, j).",
           Edit(CONV_B, "top, left = i * stride, j * stride", "top, left = i, j")),
    # max_pool_forward_naive
    mutant("pool_forward_average", "test_max_pool_forward_naive",
           "Average pooling instead of max pooling.",
           Edit(POOL, f"out = {POOL_FIRST}", "out = np.zeros((N, C, H_out, W_out))"),
           Edit(POOL, "np.maximum(out, entry, out=out)", "out += entry / (ph * pw)")),
    mutant("pool_forward_floor_no_error", "test_max_pool_forward_naive",
           "Rounds the output size down instead of refusing windows that do not tile the "
           "input.",
           Edit(POOL, "if (H - ph) % stride or (W - pw) % stride or H < ph or W < pw:",
                "if H < ph or W < pw:")),
    # Window entries beyond the input make the loop's slices too short, so for non-square
    # windows this raises inside the student's code (the check's message names the swap).
    mutant("pool_forward_height_width_swapped", "test_max_pool_forward_naive",
           "Uses pool_width for the rows and pool_height for the columns (wrong for "
           "non-square windows).",
           Edit(POOL, "for a in range(ph):\n        for b in range(pw):\n            entry",
                "for a in range(pw):\n        for b in range(ph):\n            entry")),
    mutant("pool_forward_steps_by_window", "test_max_pool_forward_naive",
           "Moves the window by its own size instead of by the stride (wrong when windows "
           "overlap).",
           Edit(POOL, f"out = {POOL_FIRST}", "out = x[:, :, 0:ph * H_out:ph, 0:pw * W_out:pw]"
                ".copy()"),
           Edit(POOL, POOL_ENTRY, "entry = x[:, :, a:a + ph * H_out:ph, b:b + pw * W_out:pw]")),
    # max_pool_backward_naive
    mutant("pool_backward_assign_not_add", "test_max_pool_backward_naive",
           "`=` instead of `+=`: with overlapping windows an input that wins several windows "
           "keeps only the last window's gradient.",
           Edit(POOL_B, "dx[:, :, rows, cols] += wins * dout",
                "dx[:, :, rows, cols] = wins * dout")),
    mutant("pool_backward_stride_ignored", "test_max_pool_backward_naive",
           "The backward pass looks for window (i, j) at (i, j) instead of (i * stride, "
           "j * stride).",
           Edit(POOL_B, POOL_FIRST, "x[:, :, 0:H_out, 0:W_out].copy()"),
           Edit(POOL_B, POOL_ENTRY, "entry = x[:, :, a:a + H_out, b:b + W_out]"),
           Edit(POOL_B, ROUTE_ROWS, "slice(a, a + H_out)"),
           Edit(POOL_B, ROUTE_COLS, "slice(b, b + W_out)")),
    # Today's solution finds the maximum offset by offset; the mistake is in turning the
    # flat index a * pw + b of an offset back into (row, column).
    mutant("pool_backward_unravel_by_height", "test_max_pool_backward_naive",
           "Turns the flat argmax into (row, column) with pool_height instead of pool_width "
           "(wrong for non-square windows).",
           Edit(POOL_B, "dx = np.zeros(x.shape, ",
                "dx = np.zeros((N, C, H + ph * pw, W + ph * pw), "),
           Edit(POOL_B, "dx[:, :, rows, cols] += wins * dout",
                "k = a * pw + b  # the offset's flat index in its window\n"
                "            rows = slice(k // ph, k // ph + stride * H_out, stride)\n"
                "            cols = slice(k % ph, k % ph + stride * W_out, stride)\n"
                "            dx[:, :, rows, cols] += wins * dout"),
           Edit(POOL_B, "    return dx", "    return dx[:, :, :H, :W]")),
    mutant("pool_backward_whole_window", "test_max_pool_backward_naive",
           "Sends each window's gradient to every input of the window, not only to its "
           "maximum.",
           Edit(POOL_B, "dx[:, :, rows, cols] += wins * dout", "dx[:, :, rows, cols] += dout")),
    # im2col
    mutant("im2col_columns_position_first", "test_im2col",
           "Orders the columns by output position first and example last, (i, j, n), instead "
           "of (n, i, j).",
           Edit(IM2COL, COL_LAYOUT, "windows.transpose(1, 4, 5, 2, 3, 0)")),
    mutant("im2col_floor_no_error", "test_im2col",
           "Rounds the number of windows down instead of refusing settings that do not tile "
           "the input.",
           Edit(IM2COL, TILES, BIGGER_THAN_INPUT)),
    mutant("im2col_rows_channel_last", "test_im2col",
           "Orders the rows of a column by filter row, filter column, then channel, instead "
           "of channel first (so they no longer match w[f].reshape(-1)).",
           Edit(IM2COL, COL_LAYOUT, "windows.transpose(4, 5, 1, 0, 2, 3)")),
    mutant("im2col_transposed", "test_im2col",
           "Returns one window per row, (N * H_out * W_out, C * HH * WW), instead of per "
           "column.",
           Edit(IM2COL, f"{COL_LAYOUT}.reshape(C * HH * WW, N * H_out * W_out)",
                "windows.transpose(0, 2, 3, 1, 4, 5).reshape(N * H_out * W_out, C * HH * WW)")),
    # col2im
    mutant("col2im_assign_not_add", "test_col2im",
           "Puts entries back with `=` instead of `+=`: a pixel covered by several windows "
           "keeps only the last entry.",
           Edit(COL2IM, "x_pad[:, :, rows, columns] += ", "x_pad[:, :, rows, columns] = ")),
    mutant("col2im_keeps_padding", "test_col2im",
           "Returns the padded image: the padding is never cut off.",
           Edit(COL2IM, "x = x_pad[:, :, pad:pad + H, pad:pad + W]", "x = x_pad")),
    mutant("col2im_stride_ignored", "test_col2im",
           "Puts window (i, j) back at (i, j) instead of (i * stride, j * stride).",
           Edit(COL2IM, "slice(a, a + stride * H_out, stride)", "slice(a, a + H_out)"),
           Edit(COL2IM, "slice(b, b + stride * W_out, stride)", "slice(b, b + W_out)")),
    # conv_forward_fast
    mutant("fast_forward_cache_without_cols", "test_conv_forward_fast",
           "Right output, but the cache is (x, w, b, conv_param) without cols.",
           Edit(FAST, "cache = (x, w, b, conv_param, cols)", "cache = (x, w, b, conv_param)")),
    mutant("fast_forward_flipped_filters", "test_conv_forward_fast",
           "The fast forward pass flips the filters (w[:, :, ::-1, ::-1]) before the matrix "
           "product.",
           Edit(FAST, "w.reshape(F, -1) @ cols", "w[:, :, ::-1, ::-1].reshape(F, -1) @ cols")),
    mutant("fast_forward_no_bias", "test_conv_forward_fast",
           "The fast forward pass forgets the biases.",
           Edit(FAST, "@ cols + b.reshape(F, 1)", "@ cols")),
    mutant("fast_forward_reshape_without_transpose", "test_conv_forward_fast",
           "Reshapes the (F, N * H_out * W_out) product straight to (N, F, H_out, W_out), "
           "mixing examples and filters.",
           Edit(FAST, ".reshape(F, N, H_out, W_out).transpose(1, 0, 2, 3)",
                ".reshape(N, F, H_out, W_out)")),
    # conv_backward_fast
    mutant("fast_backward_db_wrong_axis", "test_conv_backward_fast",
           "Sums the bias gradient over the filters (axis 0 of the (F, N*H_out*W_out) layout) "
           "instead of over the columns.",
           Edit(FAST_B, "db = dout_rows.sum(axis=1)", "db = dout_rows.sum(axis=0)")),
    mutant("fast_backward_dout_not_transposed", "test_conv_backward_fast",
           "Reshapes dout (N, F, H_out, W_out) straight to (F, -1) without moving the filter "
           "axis first, so gradients of different filters and examples get mixed up.",
           Edit(FAST_B, "dout.transpose(1, 0, 2, 3).reshape(F, -1)", "dout.reshape(F, -1)")),
    mutant("fast_backward_dw_averaged", "test_conv_backward_fast",
           "Divides dw by the number of examples, as if the layer had to average (the loss "
           "already does that; a layer's backward pass only applies the chain rule).",
           Edit(FAST_B, "(dout_rows @ cols.T).reshape(w.shape)",
                "(dout_rows @ cols.T).reshape(w.shape) / x.shape[0]")),
    mutant("fast_backward_dw_layout", "test_conv_backward_fast",
           "Computes dw as cols @ dout_rows.T, shape (C*HH*WW, F), and reshapes that to w's "
           "shape without transposing.",
           Edit(FAST_B, "(dout_rows @ cols.T)", "(cols @ dout_rows.T)")),
    # ThreeLayerConvNet
    mutant("net_no_relu_after_conv", "test_three_layer_convnet",
           "Skips the ReLU after the convolution: conv - pool - affine - relu - affine.",
           Edit(NET, "relu1, relu1_cache = relu_forward(conv)", "relu1 = conv"),
           Edit(NET, "dconv = relu_backward(drelu1, relu1_cache)", "dconv = drelu1")),
    mutant("net_reg_gradient_not_doubled", "test_three_layer_convnet",
           "The gradient of reg * sum(W**2) is taken as reg * W instead of 2 * reg * W.",
           Edit(NET, "+ 2 * self.reg * self.params[name]", "+ self.reg * self.params[name]")),
    mutant("net_reg_missing_conv_weights", "test_three_layer_convnet",
           "The loss regularises W2 and W3 but forgets the convolution's weights W1 (the "
           "gradient still has the 2 * reg * W1 term).",
           Edit(NET, "(np.sum(W1 * W1) + np.sum(W2 * W2)", "(np.sum(W2 * W2)")),
    mutant("net_uniform_weights", "test_three_layer_convnet",
           "Draws the initial weights uniformly from [0, weight_scale) instead of from a "
           "normal distribution with standard deviation weight_scale.",
           Edit(NET, "generator.standard_normal((F, C,", "generator.random((F, C,"),
           Edit(NET, "generator.standard_normal((F * (H", "generator.random((F * (H"),
           Edit(NET, "generator.standard_normal((hidden_dim,", "generator.random((hidden_dim,")),
)
