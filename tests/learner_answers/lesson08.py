"""Answers learners type to lesson 08's exercises, each wrong in a way its check must catch."""

OUTPUT_SIZE = "def output_size(n, kernel, stride=1, padding=0):\n{}\n"

CONV_IM2COL = """def conv_im2col(image, weight, padding=1):
    out_channels, channels, kh, kw = weight.shape
    padded = {pad}
    windows = sliding_window_view(padded, (kh, kw), axis=(1, 2))
    _, height, width, _, _ = windows.shape
    cols = {cols}
    out = {product}
    return {result}
"""
RIGHT = {
    "pad": "np.pad(image, ((0, 0), (padding, padding), (padding, padding)))",
    "cols": "windows.transpose(1, 2, 0, 3, 4).reshape(height * width, channels * kh * kw)",
    "product": "cols @ weight.reshape(out_channels, -1).T",
    "result": "out.T.reshape(out_channels, height, width)",
}


def conv_im2col(**changes):
    return CONV_IM2COL.format(**{**RIGHT, **changes})


MAX_POOL_WINDOW = "def max_pool_window(window, upstream):\n{}\n"
FIRST_WINNER = "    winner = np.unravel_index(np.argmax(window), window.shape)\n"

WRONG = {
    1: {
        "ignores padding and stride": OUTPUT_SIZE.format("    return n - kernel + 1"),
        "padding on one side only": OUTPUT_SIZE.format("    return (n + padding - kernel) // stride + 1"),
        "/ instead of //": OUTPUT_SIZE.format("    return (n + 2 * padding - kernel) / stride + 1"),
        "np.floor gives a float": OUTPUT_SIZE.format("    return np.floor((n + 2 * padding - kernel) / stride) + 1"),
        "forgets the + 1": OUTPUT_SIZE.format("    return (n + 2 * padding - kernel) // stride"),
        "rounds up": "import math\n\n" + OUTPUT_SIZE.format(
            "    return math.ceil((n + 2 * padding - kernel) / stride) + 1"),
        "hard-coded 8": OUTPUT_SIZE.format("    return 8"),
        "ignores the stride": OUTPUT_SIZE.format("    return n + 2 * padding - kernel + 1"),
        "divides before subtracting the kernel": OUTPUT_SIZE.format(
            "    return (n + 2 * padding) // stride - kernel + 1"),
        "round()": OUTPUT_SIZE.format("    return round((n + 2 * padding - kernel) / stride) + 1"),
        "+ 1 inside the floor division": OUTPUT_SIZE.format("    return (n + 2 * padding - kernel + 1) // stride"),
        "padding subtracted": OUTPUT_SIZE.format("    return (n - 2 * padding - kernel) // stride + 1"),
        "returns a str": OUTPUT_SIZE.format("    return str((n + 2 * padding - kernel) // stride + 1)"),
    },
    2: {
        "C after the kernel axes": conv_im2col(
            cols="windows.transpose(1, 2, 3, 4, 0).reshape(height * width, channels * kh * kw)"),
        "no transpose": conv_im2col(cols="windows.reshape(height * width, channels * kh * kw)"),
        "rows and columns swapped": conv_im2col(
            cols="windows.transpose(2, 1, 0, 3, 4).reshape(height * width, channels * kh * kw)"),
        "pads all three axes": conv_im2col(pad="np.pad(image, padding)"),
        "always pads 1": conv_im2col(pad="np.pad(image, ((0, 0), (1, 1), (1, 1)))"),
        "weight.reshape(-1, O)": conv_im2col(product="cols @ weight.reshape(-1, out_channels)"),
        "flips the kernel": conv_im2col(product="cols @ weight[:, :, ::-1, ::-1].reshape(out_channels, -1).T"),
        "returns (H', W', O)": conv_im2col(result="out.reshape(height, width, out_channels)"),
        "reshapes without .T": conv_im2col(result="out.reshape(out_channels, height, width)"),
        "calls F.conv2d": (
            "def conv_im2col(image, weight, padding=1):\n"
            "    x = minigrad.Tensor(image[None], dtype=minigrad.float64)\n"
            "    w = minigrad.Tensor(weight, dtype=minigrad.float64)\n"
            "    return F.conv2d(x, w, padding=padding).numpy()[0]\n"
        ),
        "edge padding": conv_im2col(pad="np.pad(image, ((0, 0), (padding, padding), (padding, padding)), mode='edge')"),
        "no padding": conv_im2col(pad="image"),
        "float32": conv_im2col(product="cols.astype(np.float32) @ weight.reshape(out_channels, -1).T.astype(np.float32)"),
        "conv2d imported by name": (
            "from minigrad.nn.functional import conv2d\n\n\n"
            "def conv_im2col(image, weight, padding=1):\n"
            "    x = minigrad.Tensor(image[None], dtype=minigrad.float64)\n"
            "    w = minigrad.Tensor(weight, dtype=minigrad.float64)\n"
            "    return conv2d(x, w, padding=padding).numpy()[0]\n"
        ),
    },
    3: {
        "last maximum on ties": MAX_POOL_WINDOW.format(
            "    best = None\n"
            "    for index in np.ndindex(window.shape):\n"
            "        if best is None or window[index] >= window[best]:\n"
            "            best = index\n"
            "    grad = np.zeros_like(window)\n"
            "    grad[best] = upstream\n"
            "    return window[best], grad"),
        "gradient to every tie": MAX_POOL_WINDOW.format(
            "    value = window.max()\n"
            "    grad = (window == value) * upstream\n"
            "    return value, grad"),
        "gradient 1 instead of upstream": MAX_POOL_WINDOW.format(
            FIRST_WINNER + "    grad = np.zeros_like(window)\n    grad[winner] = 1\n    return window[winner], grad"),
        "divmod by the height": MAX_POOL_WINDOW.format(
            "    winner = divmod(np.argmax(window), window.shape[0])\n"
            "    grad = np.zeros_like(window)\n    grad[winner] = upstream\n    return window.max(), grad"),
        "divmod by 2": MAX_POOL_WINDOW.format(
            "    winner = divmod(np.argmax(window), 2)\n"
            "    grad = np.zeros_like(window)\n    grad[winner] = upstream\n    return window.max(), grad"),
        "row and column swapped": MAX_POOL_WINDOW.format(
            "    column, row = divmod(np.argmax(window), window.shape[1])\n"
            "    grad = np.zeros_like(window)\n    grad[row, column] = upstream\n    return window.max(), grad"),
        "average pooling's gradient": MAX_POOL_WINDOW.format(
            "    value = window.max()\n"
            "    grad = np.full_like(window, upstream / window.size)\n"
            "    return value, grad"),
        "average pooling": MAX_POOL_WINDOW.format(
            "    value = window.mean()\n"
            "    grad = np.full_like(window, upstream / window.size)\n"
            "    return value, grad"),
        "maximum starts at 0": MAX_POOL_WINDOW.format(
            "    value, winner = 0.0, (0, 0)\n"
            "    for index in np.ndindex(window.shape):\n"
            "        if window[index] > value:\n"
            "            value, winner = window[index], index\n"
            "    grad = np.zeros_like(window)\n    grad[winner] = upstream\n    return value, grad"),
        "a 2x2 gradient": MAX_POOL_WINDOW.format(
            FIRST_WINNER + "    grad = np.zeros((2, 2))\n    grad[winner] = upstream\n    return window[winner], grad"),
        "writes into the window": MAX_POOL_WINDOW.format(
            FIRST_WINNER + "    value = window[winner]\n"
            "    window[...] = 0\n    window[winner] = upstream\n    return value, window"),
        "value and grad swapped": MAX_POOL_WINDOW.format(
            FIRST_WINNER + "    grad = np.zeros_like(window)\n    grad[winner] = upstream\n    return grad, window[winner]"),
        "a Tensor value": MAX_POOL_WINDOW.format(
            FIRST_WINNER + "    grad = np.zeros_like(window)\n    grad[winner] = upstream\n"
            "    return minigrad.Tensor(window[winner]), grad"),
        "an int gradient": MAX_POOL_WINDOW.format(
            FIRST_WINNER + "    grad = np.zeros(window.shape, dtype=int)\n    grad[winner] = upstream\n"
            "    return window[winner], grad"),
        "argmin": MAX_POOL_WINDOW.format(
            "    winner = np.unravel_index(np.argmin(window), window.shape)\n"
            "    grad = np.zeros_like(window)\n    grad[winner] = upstream\n    return window[winner], grad"),
    },
}

# Every exercise asks for a function, checked on the check's own inputs; none asks for a number.
SECRETS = {}
