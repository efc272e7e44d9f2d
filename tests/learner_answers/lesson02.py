"""Answers learners type to lesson 02's exercises, each wrong in a way its check must catch."""

MUL_BACKWARD = "def mul_backward(a, b, out):\n{}\n"

WRONG = {
    2: {
        "= instead of +=": MUL_BACKWARD.format("    a.grad = b.data * out.grad\n    b.grad = a.data * out.grad"),
        "own factor": MUL_BACKWARD.format("    a.grad += a.data * out.grad\n    b.grad += b.data * out.grad"),
        "forgets out.grad": MUL_BACKWARD.format("    a.grad += b.data\n    b.grad += a.data"),
        "only a": MUL_BACKWARD.format("    a.grad += b.data * out.grad"),
        "sets out.grad": MUL_BACKWARD.format("    out.grad = a.data * b.data"),
        "wrong sign": MUL_BACKWARD.format("    a.grad -= b.data * out.grad\n    b.grad -= a.data * out.grad"),
    },
}

SECRETS = {1: [-9.0], 3: [-6.0]}
