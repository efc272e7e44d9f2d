"""Answers learners type to lesson 05's exercises, each wrong in a way its check must catch."""

PAIRS = "pairs = [((4, 3), (3,)), ((8, 1, 5), (7, 1)), ((5, 4), (4, 1)), ((2, 1), (1, 3))]\n\npredicted = {}\n"

UNBROADCAST = "def unbroadcast(grad, shape):\n{}\n"

MATMUL_BACKWARD = "def matmul_backward(A, B, G):\n{}\n"

WRONG = {
    1: {
        "lined up on the left": PAIRS.format('["error", "error", "error", (2, 3)]'),
        "size 1 not stretched": PAIRS.format('[(4, 3), (8, 1, 5), "error", (2, 3)]'),
        "error everywhere": PAIRS.format('["error", "error", "error", "error"]'),
        "4 against 4 on the left": PAIRS.format('[(4, 3), (8, 7, 5), (5, 4), (2, 3)]'),
        "the longer shape": PAIRS.format('[(4, 3), (8, 1, 5), (5, 4), (2, 1)]'),
        "shorter shape padded on the right": PAIRS.format('[(4, 3), "error", "error", (2, 3)]'),
        "shapes concatenated": PAIRS.format('[(4, 3), (8, 7, 5), "error", (2, 1, 3)]'),
        "sizes written as floats": PAIRS.format('[(4.0, 3.0), (8.0, 7.0, 5.0), "error", (2.0, 3.0)]'),
        "shape written backwards": PAIRS.format('[(3, 4), (8, 7, 5), "error", (2, 3)]'),
    },
    2: {
        "without keepdims": UNBROADCAST.format(
            "    grad = sum_leading_axes(grad, shape)\n"
            "    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)\n"
            "    return grad.sum(axis=stretched)"),
        "only the leading axes": UNBROADCAST.format("    return sum_leading_axes(grad, shape)"),
        "mean instead of sum": UNBROADCAST.format(
            "    grad = grad.mean(axis=tuple(range(grad.ndim - len(shape))))\n"
            "    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)\n"
            "    return grad.mean(axis=stretched, keepdims=True)"),
        "reshapes instead of summing": UNBROADCAST.format("    return np.resize(grad, shape)"),
        "only the stretched axes": UNBROADCAST.format(
            "    stretched = tuple(i for i, n in enumerate(shape) if n == 1)\n"
            "    return grad.sum(axis=stretched, keepdims=True)"),
        "stretched axes found before the leading sum": UNBROADCAST.format(
            "    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)\n"
            "    grad = sum_leading_axes(grad, shape)\n"
            "    return grad.sum(axis=stretched, keepdims=True)"),
        "trailing axes summed": UNBROADCAST.format(
            "    grad = grad.sum(axis=tuple(range(len(shape), grad.ndim)))\n"
            "    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)\n"
            "    return grad.sum(axis=stretched, keepdims=True)"),
        "sums everything": UNBROADCAST.format("    return np.sum(grad)"),
        "returns a Tensor": UNBROADCAST.format(
            "    grad = sum_leading_axes(grad, shape)\n"
            "    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)\n"
            "    return Tensor(grad.sum(axis=stretched, keepdims=True))"),
        "sums axis 0 once": UNBROADCAST.format(
            "    if grad.ndim > len(shape):\n"
            "        grad = grad.sum(axis=0)\n"
            "    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)\n"
            "    return grad.sum(axis=stretched, keepdims=True)"),
    },
    3: {
        "G @ B": MATMUL_BACKWARD.format("    return G @ B, A.T @ G"),
        "B.T @ G": MATMUL_BACKWARD.format("    return B.T @ G, A.T @ G"),
        "the two swapped": MATMUL_BACKWARD.format("    return A.T @ G, G @ B.T"),
        "transposed results": MATMUL_BACKWARD.format("    return (G @ B.T).T, (A.T @ G).T"),
        "G.T @ A for dL/dB": MATMUL_BACKWARD.format("    return G @ B.T, G.T @ A"),
        "the other factor, transposed, without G": MATMUL_BACKWARD.format("    return B.T, A.T"),
        "only dL/dA": MATMUL_BACKWARD.format("    return G @ B.T"),
        "G @ B.T twice": MATMUL_BACKWARD.format("    return G @ B.T, G @ B.T"),
        "the first product with the right shape": MATMUL_BACKWARD.format(
            "    def first_with_shape(shape, X, Y):\n"
            "        # try the products of X and Y in turn, keep the first whose shape fits\n"
            "        for P in (lambda: X @ Y, lambda: X @ Y.T, lambda: X.T @ Y, lambda: X.T @ Y.T,\n"
            "                  lambda: Y @ X, lambda: Y @ X.T, lambda: Y.T @ X, lambda: Y.T @ X.T):\n"
            "            try:\n"
            "                product = P()\n"
            "            except ValueError:\n"
            "                continue\n"
            "            if product.shape == shape:\n"
            "                return product\n\n"
            "    return first_with_shape(A.shape, G, B), first_with_shape(B.shape, A, G)"),
        "returns Tensors": MATMUL_BACKWARD.format("    return Tensor(G @ B.T), Tensor(A.T @ G)"),
        "divided by the batch size": MATMUL_BACKWARD.format("    return G @ B.T / len(A), A.T @ G / len(A)"),
        "minus signs": MATMUL_BACKWARD.format("    return -G @ B.T, -A.T @ G"),
    },
}

SECRETS = {}
