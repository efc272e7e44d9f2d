"""Answers learners type to lesson 07's exercises, each wrong in a way its check must catch."""

STEP = "def momentum_step(p, g, velocity, lr, beta):\n{}\n"
CORRECT = "def bias_corrected(m, v, beta1, beta2, t):\n{}\n"

WRONG = {
    1: {
        "EMA form": STEP.format(
            "    if velocity is None:\n"
            "        velocity = np.zeros_like(g)\n"
            "    velocity = beta * velocity + (1 - beta) * g\n"
            "    return p - lr * velocity, velocity"),
        "EMA after a first g": STEP.format(
            "    velocity = g if velocity is None else beta * velocity + (1 - beta) * g\n"
            "    return p - lr * velocity, velocity"),
        "first velocity 0": STEP.format(
            "    velocity = np.zeros_like(g) if velocity is None else beta * velocity + g\n"
            "    return p - lr * velocity, velocity"),
        "p + lr * velocity": STEP.format(
            "    velocity = g if velocity is None else beta * velocity + g\n"
            "    return p + lr * velocity, velocity"),
        "lr inside the velocity": STEP.format(
            "    velocity = lr * g if velocity is None else beta * velocity + lr * g\n"
            "    return p - velocity, velocity"),
        "plain SGD step": STEP.format(
            "    velocity = g if velocity is None else beta * velocity + g\n"
            "    return p - lr * g, velocity"),
        "steps with the old velocity": STEP.format(
            "    if velocity is None:\n"
            "        velocity = g\n"
            "    new_p = p - lr * velocity\n"
            "    velocity = beta * velocity + g\n"
            "    return new_p, velocity"),
        "forgets to return the new velocity": STEP.format(
            "    new_velocity = g if velocity is None else beta * velocity + g\n"
            "    return p - lr * new_velocity, velocity"),
        "hard-coded end point": STEP.format(
            "    # the end point after 20 steps, from optim.SGD(momentum=0.9)\n"
            "    velocity = g if velocity is None else beta * velocity + g\n"
            "    return np.array([1.218, 0.3494]), velocity"),
        "Nesterov": STEP.format(
            "    velocity = g if velocity is None else beta * velocity + g\n"
            "    return p - lr * (g + beta * velocity), velocity"),
        "velocity is the step (v = beta v - lr g)": STEP.format(
            "    if velocity is None:\n"
            "        velocity = np.zeros_like(p)\n"
            "    velocity = beta * velocity - lr * g\n"
            "    return p + velocity, velocity"),
        "swapped results": STEP.format(
            "    velocity = g if velocity is None else beta * velocity + g\n"
            "    return velocity, p - lr * velocity"),
        "hard-coded beta": STEP.format(
            "    velocity = g if velocity is None else 0.9 * velocity + g\n"
            "    return p - lr * velocity, velocity"),
        "hard-coded lr": STEP.format(
            "    velocity = g if velocity is None else beta * velocity + g\n"
            "    return p - 0.02 * velocity, velocity"),
        "first velocity (1 + beta) g": STEP.format(
            "    if velocity is None:\n"
            "        velocity = g\n"
            "    velocity = beta * velocity + g\n"
            "    return p - lr * velocity, velocity"),
        "if not velocity": STEP.format(
            "    if not velocity:\n"
            "        velocity = g\n"
            "    else:\n"
            "        velocity = beta * velocity + g\n"
            "    return p - lr * velocity, velocity"),
        "velocity == None": STEP.format(
            "    if velocity == None:\n"
            "        velocity = g\n"
            "    else:\n"
            "        velocity = beta * velocity + g\n"
            "    return p - lr * velocity, velocity"),
        "a state of its own": "state = {}\n\n\n" + STEP.format(
            "    v = state.get('v')\n"
            "    v = g if v is None else beta * v + g\n"
            "    state['v'] = v\n"
            "    return p - lr * v, v"),
        "returns a Tensor": STEP.format(
            "    velocity = g if velocity is None else beta * velocity + g\n"
            "    return Tensor(p - lr * velocity), velocity"),
    },
    2: {
        "no correction": CORRECT.format("    return m, v"),
        "only m": CORRECT.format("    return m / (1 - beta1**t), v"),
        "off by one in t": CORRECT.format("    return m / (1 - beta1 ** (t - 1)), v / (1 - beta2 ** (t - 1))"),
        "beta1 for both": CORRECT.format("    return m / (1 - beta1**t), v / (1 - beta1**t)"),
        "hard-coded betas": CORRECT.format("    return m / (1 - 0.9**t), v / (1 - 0.999**t)"),
        "multiplies": CORRECT.format("    return m * (1 - beta1**t), v * (1 - beta2**t)"),
        "(1 - beta) ** t": CORRECT.format("    return m / (1 - beta1) ** t, v / (1 - beta2) ** t"),
        "square root of v_hat": CORRECT.format("    return m / (1 - beta1**t), np.sqrt(v / (1 - beta2**t))"),
        "beta * t": CORRECT.format("    return m / (1 - beta1 * t), v / (1 - beta2 * t)"),
        "t + 1": CORRECT.format("    return m / (1 - beta1 ** (t + 1)), v / (1 - beta2 ** (t + 1))"),
        "precedence: m / 1 - beta1**t": CORRECT.format("    return m / 1 - beta1**t, v / 1 - beta2**t"),
        "1 - beta without the power": CORRECT.format("    return m / (1 - beta1), v / (1 - beta2)"),
    },
    3: {
        "0.1, the limit itself": "lr_choice = 0.1",
        "2 / 20": "lr_choice = 2 / 20  # the largest stable rate",
        "0.11, too large": "lr_choice = 0.11",
        "0.099, zig-zags": "lr_choice = 0.099",
        "0.05, too slow": "lr_choice = 0.05  # the explorer's default",
        "0.001, far too slow": "lr_choice = 0.001",
        "negative": "lr_choice = -0.09",
        "a string": "lr_choice = '0.09'",
        "zero": "lr_choice = 0",
        "1, far too large": "lr_choice = 1.0",
        "0.075, just too slow": "lr_choice = 0.075",
        "a list": "lr_choice = [0.09]",
        "0.2": "lr_choice = 0.2",
    },
}

SECRETS = {3: [0.09]}
