"""The checks of lesson 02, Expressions as graphs."""

import math

from checking import Node, exercise, right, wrong


@exercise("mul_backward")
def check_mul_backward(mul_backward):
    # The rule runs on nodes of the check's own, so that it is tested whatever Value class the notebook
    # holds: fresh leaves, a leaf that already holds a gradient, and x * x (one node, both factors).
    x, y, out = Node(3.0), Node(-4.0), Node(-12.0, grad=0.5)
    mul_backward(x, y, out)
    fresh = (x.grad, y.grad)
    held_x, held_y, out_held = Node(3.0, grad=1.0), Node(-4.0, grad=-1.0), Node(-12.0, grad=0.5)
    mul_backward(held_x, held_y, out_held)
    twice, out_square = Node(3.0), Node(9.0, grad=1.0)
    mul_backward(twice, twice, out_square)

    if fresh == (0.0, 0.0):
        return wrong("x.grad and y.grad are still 0 after mul_backward(x, y, out): add each factor's share "
                     "to its .grad.")
    if all(isinstance(g, (int, float)) for g in fresh) and math.isclose(fresh[0], 3.0 * 0.5) and math.isclose(
            fresh[1], -4.0 * 0.5):
        return wrong("each factor got its own data times out.grad: a product sends each factor the *other* "
                     "factor's data.")
    if fresh == (-4.0, 3.0):
        return wrong("the shares are not multiplied by out.grad: the chain rule multiplies the local "
                     "derivative by the gradient that arrived at out.")
    if fresh != (-4.0 * 0.5, 3.0 * 0.5):
        return wrong("with x = 3, y = -4 and out.grad = 0.5, x.grad should get y.data * out.grad and y.grad "
                     "x.data * out.grad.")
    if (held_x.grad, held_y.grad) != (1.0 - 2.0, -1.0 + 1.5):
        return wrong("a gradient a node already held was lost: add to .grad with +=, do not assign it with =.")
    if twice.grad != 6.0:
        return wrong("for x * x, where a and b are the same node, x.grad should get both shares, "
                     "x.data * out.grad twice: use += for both.")
    return right("mul_backward adds y.data * out.grad to x.grad and x.data * out.grad to y.grad, "
                 "and x * x gets both shares")
