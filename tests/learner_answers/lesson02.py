"""Answers learners type to lesson 02's exercises, each wrong in a way its check must catch."""

# The exercise cell of Exercise 1 builds M = ((c + a) * b + f) * k, then sets dM_dc.
M_GRAPH = '''a, b = MyValue(2.0, label="a"), MyValue(-3.0, label="b")
c, f = MyValue(10.0, label="c"), MyValue(-2.0, label="f")
k = MyValue(3.0, label="k")
r = c + a;  r.label = "r"
q = r * b;  q.label = "q"
p = q + f;  p.label = "p"
M = p * k;  M.label = "M"

'''

MUL_BACKWARD = "def mul_backward(a, b, out):\n{}\n"

WRONG = {
    1: {
        "forgets k": M_GRAPH + "dM_dc = 1.0 * b.data * 1.0",
        "drops the sign of b": M_GRAPH + "dM_dc = k.data * 3.0",
        "k * b without .data": M_GRAPH + "dM_dc = k * b",
        "+ passes 1 on": M_GRAPH + "dM_dc = 1.0",
        "adds instead of multiplying": M_GRAPH + "dM_dc = k.data + b.data",
        "the value of M": M_GRAPH + "dM_dc = M.data",
        "stops at q": M_GRAPH + "dM_dc = k.data",
        "a's number instead of b's": M_GRAPH + "dM_dc = k.data * a.data",
        "twice, counting a": M_GRAPH + "dM_dc = k.data * b.data * a.data",
        "the sign of the product flipped": M_GRAPH + "dM_dc = -k.data * b.data",
        "an array": M_GRAPH + "import numpy as np\ndM_dc = np.array([k.data * b.data])",
        "nudging": M_GRAPH + ("h = 1e-6\n"
                              "dM_dc = ((((c.data + h) + a.data) * b.data + f.data) * k.data - M.data) / h"),
    },
    2: {
        "= instead of +=": MUL_BACKWARD.format("    a.grad = b.data * out.grad\n    b.grad = a.data * out.grad"),
        "own factor": MUL_BACKWARD.format("    a.grad += a.data * out.grad\n    b.grad += b.data * out.grad"),
        "forgets out.grad": MUL_BACKWARD.format("    a.grad += b.data\n    b.grad += a.data"),
        "only a": MUL_BACKWARD.format("    a.grad += b.data * out.grad"),
        "sets out.grad": MUL_BACKWARD.format("    out.grad = a.data * b.data"),
        "wrong sign": MUL_BACKWARD.format("    a.grad -= b.data * out.grad\n    b.grad -= a.data * out.grad"),
        "tuple assignment loses x * x": MUL_BACKWARD.format(
            "    a.grad, b.grad = a.grad + b.data * out.grad, b.grad + a.data * out.grad"),
        "returns the shares": MUL_BACKWARD.format("    return b.data * out.grad, a.data * out.grad"),
        "twice the shares": MUL_BACKWARD.format("    a.grad += 2 * b.data * out.grad\n    b.grad += 2 * a.data * out.grad"),
        ".grad for .data": MUL_BACKWARD.format("    a.grad += b.data * out.grad\n    b.grad += a.grad * out.grad"),
        "out.data for out.grad": MUL_BACKWARD.format("    a.grad += b.data * out.data\n    b.grad += a.data * out.data"),
    },
    3: {
        "b.grad before the slider": "predicted_b_grad = -4.0",
        "a.data alone": "predicted_b_grad = 3.0",
        "e.grad alone": "predicted_b_grad = -2.0",
        "wrong sign": "predicted_b_grad = 3.0 * 2.0",
        "a's rule, b.data * e.grad": "predicted_b_grad = -3.0 * -2.0",
        "e.data with a = 3": "predicted_b_grad = 3.0 * -3.0",
        "the old a": "predicted_b_grad = 2.0 * -2.0",
        "twice": "predicted_b_grad = 3.0 * -2.0 * 2",
        "nothing sent yet": "predicted_b_grad = 0.0",
        "a Value": "predicted_b_grad = minigrad.Value(3.0) * -2.0",
        "e.grad scaled by a": "predicted_b_grad = 3.0 * (-2.0 * 3.0 / 2.0)",
    },
}

SECRETS = {1: [-9.0], 3: [-6.0]}
