"""Answers learners type to lesson 00's exercises, each wrong in a way its check must catch."""

FIRST_VALUE = 'x = Value(3.0, label="x")\n{}\n'
MAKE_FOUR = 'a = Value(2.0, label="a")\nb = Value(-3.0, label="b")\nc = Value(10.0, label="c")\n{}\n'

WRONG = {
    1: {
        "x*2 for x**2": FIRST_VALUE.format("y = x*2 + 1\ny.backward()"),
        "forgets the + 1": FIRST_VALUE.format("y = x**2\ny.backward()"),
        "a float typed in": FIRST_VALUE.format("y = 10.0"),
        "a float from x.data": FIRST_VALUE.format("y = x.data**2 + 1"),
        "forgets backward()": FIRST_VALUE.format("y = x**2 + 1"),
        "backward() twice": FIRST_VALUE.format("y = x**2 + 1\ny.backward()\ny.backward()"),
        "a fresh Value, not x": FIRST_VALUE.format("y = Value(3.0)**2 + 1\ny.backward()"),
        "Value(10.0)": FIRST_VALUE.format("y = Value(10.0)\ny.backward()"),
        "x made a float": "x = 3.0\ny = x**2 + 1\n",
        "backward() on x": FIRST_VALUE.format("y = x**2 + 1\nx.backward()"),
        "x.grad typed in": FIRST_VALUE.format("y = x**2 + 1\nx.grad = 6.0"),
        "(x + 1)**2": FIRST_VALUE.format("y = (x + 1)**2\ny.backward()"),
        "y computed again after backward()": FIRST_VALUE.format("y = x**2 + 1\ny.backward()\ny = x**2 + 1"),
        "backward() on another expression": FIRST_VALUE.format("y = x**2 + 1\nz = x * 2\nz.backward()"),
        "a Value of x.data": FIRST_VALUE.format("y = Value(x.data**2 + 1)\ny.backward()"),
        "a NumPy float for x": "import numpy as np\nx = np.float64(3.0)\ny = x**2 + 1\n",
    },
    2: {
        "Value(4.0)": MAKE_FOUR.format("result = Value(4.0)"),
        "a + b + c": MAKE_FOUR.format("result = a + b + c"),
        "only a": MAKE_FOUR.format("result = a * 2"),
        "a float from .data": MAKE_FOUR.format("result = a.data * b.data + c.data"),
        "fresh Values": MAKE_FOUR.format("result = Value(2.0) * Value(-3.0) + Value(10.0)"),
        "changes c to fit": MAKE_FOUR.format('c = Value(5.0, label="c")\nresult = a + b + c'),
        "a * b * c": MAKE_FOUR.format("result = a * b * c"),
        "c - a * b": MAKE_FOUR.format("result = c - a * b"),
        "the number of a Value": MAKE_FOUR.format("result = (a * b + c).data"),
        "a NumPy float": MAKE_FOUR.format("import numpy as np\nresult = np.float64(4.0)"),
        "a unused": MAKE_FOUR.format("result = c + b * 2"),
        "a tuple": MAKE_FOUR.format("result = (a * b + c,)"),
    },
}

# Exercise 2 states the number it asks for (4.0), so only exercise 1's numbers are secret.
SECRETS = {1: [10.0, 6.0]}
