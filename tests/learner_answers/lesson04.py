"""Answers learners type to lesson 04's exercises, each wrong in a way its check must catch."""

HINGE = "def hinge(score, label):\n{}\n"

ACCURACY = '''new_points, new_classes = make_moons(n_samples=200, noise=0.1, seed=1)
X_new = new_points.numpy().tolist()
y_new = [1 if c == 1 else -1 for c in new_classes.numpy()]


def accuracy(model, X, y):
{}


test_accuracy = accuracy(model, X_new, y_new)
'''

WRONG = {
    1: {
        "Python's max with the int 0": HINGE.format("    return max(0, 1 - label * score)"),
        "max on .data, wrapped in a new Value": HINGE.format("    return Value(max(0, 1 - label * score.data))"),
        "a float": HINGE.format("    return max(0.0, 1 - label * score.data)"),
        "1 + label * score": HINGE.format("    return (1 + label * score).relu()"),
        "(label * score).relu()": HINGE.format("    return (label * score).relu()"),
        "no relu": HINGE.format("    return 1 - score * label"),
        "forgets the label": HINGE.format("    return (1 - score).relu()"),
        "relu of a new Value": HINGE.format("    return Value(1 - label * score.data).relu()"),
        "tanh for relu": HINGE.format("    return (1 - label * score).tanh()"),
        "squared hinge": HINGE.format("    return (1 - label * score).relu() ** 2"),
        "no margin": HINGE.format("    return (-label * score).relu()"),
        "relu on the score": HINGE.format("    return 1 - label * score.relu()"),
        "the score detached": HINGE.format("    return (1 - label * Value(score.data)).relu()"),
        "a NumPy float": "import numpy as np\n\n\n" + HINGE.format("    return np.maximum(0, 1 - label * score.data)"),
    },
    2: {
        "score > 0 whatever the label": ACCURACY.format(
            "    with no_grad():\n        right = sum(model(x).data > 0 for x in X)\n    return right / len(y)"),
        "the count, not the fraction": ACCURACY.format(
            "    with no_grad():\n        return sum(model(x).data * label > 0 for x, label in zip(X, y))"),
        "divides by len(X) - 1": ACCURACY.format(
            "    with no_grad():\n        right = sum(model(x).data * label > 0 for x, label in zip(X, y))\n"
            "    return right / (len(X) - 1)"),
        "score == label": ACCURACY.format(
            "    with no_grad():\n        right = sum(model(x).data == label for x, label in zip(X, y))\n"
            "    return right / len(y)"),
        "the training points": ACCURACY.format(
            "    with no_grad():\n        right = sum(model(x).data * label > 0 for x, label in zip(X, y))\n"
            "    return right / len(y)").replace("def accuracy(model, X, y):", "def accuracy(model, points, labels):"),
        "hard-coded from the notebook's output": ACCURACY.format("    return 0.995"),
        "a percentage": ACCURACY.format(
            "    with no_grad():\n        right = sum(model(x).data * label > 0 for x, label in zip(X, y))\n"
            "    return 100 * right / len(y)"),
        ">= 0 counts ties as right": ACCURACY.format(
            "    return sum(model(x).data * t >= 0 for x, t in zip(X, y)) / len(y)"),
        "floor division": ACCURACY.format("    return sum(model(x).data * t > 0 for x, t in zip(X, y)) // len(y)"),
        "the notebook's X_new inside": ACCURACY.format(
            "    return sum(model(x).data * t > 0 for x, t in zip(X_new, y_new)) / len(y_new)"),
        "divides by 200": ACCURACY.format("    return sum(model(x).data * t > 0 for x, t in zip(X, y)) / 200"),
        "rounded": ACCURACY.format("    return round(sum(model(x).data * t > 0 for x, t in zip(X, y)) / len(y), 2)"),
        "test_accuracy on the training points": ACCURACY.format(
            "    return sum(model(x).data * t > 0 for x, t in zip(X, y)) / len(y)").replace(
            "test_accuracy = accuracy(model, X_new, y_new)", "test_accuracy = accuracy(model, X, y)"),
        "the error rate": ACCURACY.format("    return 1 - sum(model(x).data * t > 0 for x, t in zip(X, y)) / len(y)"),
        "beyond the margin only": ACCURACY.format(
            "    return sum(model(x).data * t >= 1 for x, t in zip(X, y)) / len(y)"),
        "a Value": ACCURACY.format("    return sum((model(x) * t).relu() for x, t in zip(X, y)) / len(y)"),
        "a percentage string": ACCURACY.format(
            "    return f\"{sum(model(x).data * t > 0 for x, t in zip(X, y)) / len(y):.1%}\""),
        "a score of 0 counted as -1": ACCURACY.format(
            "    with no_grad():\n        right = sum((model(x).data > 0) == (label > 0) for x, label in zip(X, y))\n"
            "    return right / len(y)"),
    },
    3: {
        "seed 1 (the neuron dies in training)": "narrow = MLP(2, [1, 1], seed=1)\n"
                                                "narrow_accuracy = train(narrow, verbose=False)\n",
        "trains another network than narrow": "narrow_accuracy = train(MLP(2, [1, 1], seed=2), verbose=False)\n"
                                              "narrow = MLP(2, [1, 1], seed=2)\n",
        "another learning rate": "narrow = MLP(2, [1, 1], seed=2)\nnarrow_accuracy = train(narrow, lr=0.3, verbose=False)\n",
        "the test accuracy": "narrow = MLP(2, [1, 1], seed=2)\ntrain(narrow, verbose=False)\n"
                             "narrow_accuracy = accuracy(narrow, X_new, y_new)\n",
        "a string": "narrow = MLP(2, [1, 1], seed=2)\nnarrow_accuracy = f'{train(narrow, verbose=False):.0%}'\n",
        "rounded": "narrow = MLP(2, [1, 1], seed=2)\nnarrow_accuracy = round(train(narrow, verbose=False), 1)\n",
        "the error rate": "narrow = MLP(2, [1, 1], seed=2)\nnarrow_accuracy = 1 - train(narrow, verbose=False)\n",
        "a Tensor network": "from minigrad import nn\nnarrow = nn.Sequential(nn.Linear(2, 1), nn.ReLU(), nn.Linear(1, 1))\n"
                            "narrow_accuracy = 0.5\n",
        "typed from the notebook's output": "narrow = None\nnarrow_accuracy = 0.87\n",
        "typed, with an untrained network": "narrow = MLP(2, [1, 1], seed=2)\nnarrow_accuracy = 0.87\n",
        "seed 0 (a dead neuron)": "narrow = MLP(2, [1, 1], seed=0)\nnarrow_accuracy = train(narrow, verbose=False)\n",
        "a wider hidden layer": "narrow = MLP(2, [4, 1], seed=2)\nnarrow_accuracy = train(narrow, verbose=False)\n",
        "no hidden layer": "narrow = MLP(2, [1], seed=2)\nnarrow_accuracy = train(narrow, verbose=False)\n",
        "trained twice": "narrow = MLP(2, [1, 1], seed=2)\ntrain(narrow, verbose=False)\n"
                         "narrow_accuracy = train(narrow, verbose=False)\n",
        "ten steps only": "narrow = MLP(2, [1, 1], seed=2)\nnarrow_accuracy = train(narrow, steps=10, verbose=False)\n",
        "a percentage": "narrow = MLP(2, [1, 1], seed=2)\nnarrow_accuracy = 100 * train(narrow, verbose=False)\n",
    },
}

SECRETS = {2: [0.995], 3: [0.87]}
