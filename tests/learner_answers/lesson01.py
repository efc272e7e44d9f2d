"""Answers learners type to lesson 01's exercises, each wrong in a way its check must catch."""

CENTRAL = "def central_difference(f, x, h):\n    return {}\n"
BEST = ("def best_step(f, x, true_slope, hs):\n{}\n\n\n"
        "best_step(math.tanh, 0.5, true_slope, hs)\n")
ERROR = ("    def error(h):\n"
         "        return abs((f(x + h) - f(x - h)) / (2 * h) - true_slope)\n\n")
PARTIALS = ("def d(a, b, c):\n    return a * b + c\n\n\n"
            "def partials(f, a, b, c, h):\n{}\n\n\n"
            "partials(d, 2.0, -3.0, 10.0, 1e-6)\n")


def nudging(da, db, dc):
    """A partials body from the three expressions of df_da, df_db and df_dc."""
    return f"    df_da = {da}\n    df_db = {db}\n    df_dc = {dc}\n    return df_da, df_db, df_dc"


WRONG = {
    1: {
        "forward difference": CENTRAL.format("(f(x + h) - f(x)) / h"),
        "backward difference": CENTRAL.format("(f(x) - f(x - h)) / h"),
        "/ h for / 2h": CENTRAL.format("(f(x + h) - f(x - h)) / h"),
        "/ 2 * h precedence": CENTRAL.format("(f(x + h) - f(x - h)) / 2 * h"),
        "hard-coded 12.01": CENTRAL.format("12.01"),
        "wrong sign": CENTRAL.format("(f(x - h) - f(x + h)) / (2 * h)"),
        "exact slope from backward()": ("def central_difference(f, x, h):\n    v = Value(x)\n    f(v).backward()\n"
                                        "    return v.grad\n"),
        "a step typed in": CENTRAL.format("(f(x + 1e-6) - f(x - 1e-6)) / 2e-6"),
        "rise without parentheses": CENTRAL.format("f(x + h) - f(x - h) / (2 * h)"),
        "prints instead of returning": "def central_difference(f, x, h):\n    print((f(x + h) - f(x - h)) / (2 * h))\n",
        "abs of the rise": CENTRAL.format("abs(f(x + h) - f(x - h)) / (2 * h)"),
        "floor division": CENTRAL.format("(f(x + h) - f(x - h)) // (2 * h)"),
        "half steps": CENTRAL.format("(f(x + h / 2) - f(x - h / 2)) / h"),
        "the lesson's f, not the f given": CENTRAL.format("(globals()['f'](x + h) - globals()['f'](x - h)) / (2 * h)"),
    },
    2: {
        "hard-coded 1e-5": BEST.format("    return 1e-5"),
        "the smallest step": BEST.format("    return min(hs)"),
        "the largest error": BEST.format(ERROR + "    return max(hs, key=error)"),
        "signed error": BEST.format("    return min(hs, key=lambda h: (f(x + h) - f(x - h)) / (2 * h) - true_slope)"),
        "forward difference": BEST.format("    return min(hs, key=lambda h: abs((f(x + h) - f(x)) / h - true_slope))"),
        "the error, not the step": BEST.format(ERROR + "    return min(error(h) for h in hs)"),
        "the index": BEST.format(ERROR + "    errors = [error(h) for h in hs]\n    return errors.index(min(errors))"),
        "/ h for / 2h": BEST.format("    return min(hs, key=lambda h: abs((f(x + h) - f(x - h)) / h - true_slope))"),
        "tanh and 0.5 wired in": BEST.format(
            "    return min(hs, key=lambda h: abs((math.tanh(0.5 + h) - math.tanh(0.5 - h)) / (2 * h) - true_slope))"),
        "the first step": BEST.format("    return hs[0]"),
        "the error compared with 0": BEST.format("    return min(hs, key=lambda h: abs((f(x + h) - f(x - h)) / (2 * h)))"),
        "off by one in the index": BEST.format(ERROR + "    errors = [error(h) for h in hs]\n"
                                                       "    return hs[errors.index(min(errors)) + 1]"),
        "the best error never updated": BEST.format(
            "    best, best_error = hs[0], float('inf')\n    for h in hs:\n"
            "        e = abs((f(x + h) - f(x - h)) / (2 * h) - true_slope)\n"
            "        if e < best_error:\n            best = h\n    return best"),
        "the lesson's hs": BEST.format(
            "    steps = [10.0**-k for k in range(1, 13)]\n"
            "    return min(steps, key=lambda h: abs((f(x + h) - f(x - h)) / (2 * h) - true_slope))"),
    },
    3: {
        "forward difference": PARTIALS.format(nudging("(f(a + h, b, c) - f(a, b, c)) / h",
                                                      "(f(a, b + h, c) - f(a, b, c)) / h",
                                                      "(f(a, b, c + h) - f(a, b, c)) / h")),
        "/ h for / 2h": PARTIALS.format(nudging("(f(a + h, b, c) - f(a - h, b, c)) / h",
                                                "(f(a, b + h, c) - f(a, b - h, c)) / h",
                                                "(f(a, b, c + h) - f(a, b, c - h)) / h")),
        "/ 2 * h precedence": PARTIALS.format(nudging("(f(a + h, b, c) - f(a - h, b, c)) / 2 * h",
                                                      "(f(a, b + h, c) - f(a, b - h, c)) / 2 * h",
                                                      "(f(a, b, c + h) - f(a, b, c - h)) / 2 * h")),
        "all inputs nudged at once": PARTIALS.format(
            "    df_da = df_db = df_dc = (f(a + h, b + h, c + h) - f(a - h, b - h, c - h)) / (2 * h)\n"
            "    return df_da, df_db, df_dc"),
        "swapped partials": PARTIALS.format(nudging("(f(a, b + h, c) - f(a, b - h, c)) / (2 * h)",
                                                    "(f(a + h, b, c) - f(a - h, b, c)) / (2 * h)",
                                                    "(f(a, b, c + h) - f(a, b, c - h)) / (2 * h)")),
        "hard-coded -3, 2, 1": PARTIALS.format("    return -3.0, 2.0, 1.0"),
        "d's partials by formula": PARTIALS.format("    return b, a, 1.0"),
        "exact partials from backward()": PARTIALS.format(
            "    va, vb, vc = Value(a), Value(b), Value(c)\n    f(va, vb, vc).backward()\n"
            "    return va.grad, vb.grad, vc.grad"),
        "wrong sign": PARTIALS.format(nudging("(f(a - h, b, c) - f(a + h, b, c)) / (2 * h)",
                                              "(f(a, b - h, c) - f(a, b + h, c)) / (2 * h)",
                                              "(f(a, b, c - h) - f(a, b, c + h)) / (2 * h)")),
        "a step typed in": PARTIALS.format(nudging("(f(a + 1e-6, b, c) - f(a - 1e-6, b, c)) / 2e-6",
                                                   "(f(a, b + 1e-6, c) - f(a, b - 1e-6, c)) / 2e-6",
                                                   "(f(a, b, c + 1e-6) - f(a, b, c - 1e-6)) / 2e-6")),
        "one side over twice h": PARTIALS.format(nudging("(f(a + h, b, c) - f(a, b, c)) / (2 * h)",
                                                         "(f(a, b + h, c) - f(a, b, c)) / (2 * h)",
                                                         "(f(a, b, c + h) - f(a, b, c)) / (2 * h)")),
        "b left nudged for df_dc": PARTIALS.format(
            "    df_da = (f(a + h, b, c) - f(a - h, b, c)) / (2 * h)\n    b += h\n"
            "    df_db = (f(a, b, c) - f(a, b - 2 * h, c)) / (2 * h)\n"
            "    df_dc = (f(a, b, c + h) - f(a, b, c - h)) / (2 * h)\n    return df_da, df_db, df_dc"),
        "a dict": PARTIALS.format("    return {'a': (f(a + h, b, c) - f(a - h, b, c)) / (2 * h),\n"
                                  "            'b': (f(a, b + h, c) - f(a, b - h, c)) / (2 * h),\n"
                                  "            'c': (f(a, b, c + h) - f(a, b, c - h)) / (2 * h)}"),
        "one sign wrong": PARTIALS.format(nudging("(f(a + h, b, c) - f(a - h, b, c)) / (2 * h)",
                                                  "(f(a, b - h, c) - f(a, b + h, c)) / (2 * h)",
                                                  "(f(a, b, c + h) - f(a, b, c - h)) / (2 * h)")),
        "d wired in, not f": PARTIALS.format(nudging("(d(a + h, b, c) - d(a - h, b, c)) / (2 * h)",
                                                     "(d(a, b + h, c) - d(a, b - h, c)) / (2 * h)",
                                                     "(d(a, b, c + h) - d(a, b, c - h)) / (2 * h)")),
    },
}

# The numbers each exercise asks for on the lesson's example: the central difference of x³ at 2 with
# h = 0.1, tanh's best step, and the partials of d = a·b + c at (2, -3, 10).
SECRETS = {1: [12.01], 2: [1e-05], 3: [-3.0, 2.0, 1.0]}
