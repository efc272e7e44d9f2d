"""Answers learners type to lesson 09's exercises, each wrong in a way its check must catch."""

import math

INIT_STD = "def init_std(scheme, fan_in, fan_out):\n    if scheme == 'xavier':\n        return {xavier}\n    return {he}\n"
RIGHT_XAVIER, RIGHT_HE = "math.sqrt(2 / (fan_in + fan_out))", "math.sqrt(2 / fan_in)"


def init_std(xavier=RIGHT_XAVIER, he=RIGHT_HE):
    return INIT_STD.format(xavier=xavier, he=he)


UPDATE_RUNNING = """def update_running(running_mean, running_var, batch, momentum=0.1):
    new_mean = {mean}
    new_var = {var}
    return new_mean, new_var
"""
RIGHT_MEAN = "(1 - momentum) * running_mean + momentum * batch.mean(axis=0)"
RIGHT_VAR = "(1 - momentum) * running_var + momentum * batch.var(axis=0, ddof=1)"


def update_running(mean=RIGHT_MEAN, var=RIGHT_VAR):
    return UPDATE_RUNNING.format(mean=mean, var=var)


EARLY_STOPPING = """def early_stopping(val_losses, patience):
    best = 0
    for epoch, loss in enumerate(val_losses):
        if {better}:
            best = epoch
        if {stop}:
            {leave}
    return {result}
"""
RIGHT_EARLY = {"better": "loss < val_losses[best]", "stop": "epoch - best >= patience", "leave": "break",
               "result": "best"}


def early_stopping(**changes):
    return EARLY_STOPPING.format(**{**RIGHT_EARLY, **changes})


WRONG = {
    1: {
        "variances, not standard deviations": init_std("2 / (fan_in + fan_out)", "2 / fan_in"),
        "the uniform bounds": init_std("math.sqrt(6 / (fan_in + fan_out))", "math.sqrt(6 / fan_in)"),
        "He with fan_out": init_std(he="math.sqrt(2 / fan_out)"),
        "He without the 2": init_std(he="math.sqrt(1 / fan_in)"),
        "He divided by fan_in itself": init_std(he="math.sqrt(2) / fan_in"),
        "Xavier with fan_in alone (LeCun)": init_std(xavier="math.sqrt(1 / fan_in)"),
        "Xavier without the 2": init_std(xavier="math.sqrt(1 / (fan_in + fan_out))"),
        "scheme ignored, always He": "def init_std(scheme, fan_in, fan_out):\n    return math.sqrt(2 / fan_in)\n",
        "a Tensor": init_std("minigrad.Tensor(math.sqrt(2 / (fan_in + fan_out)))"),
        "the Xavier variance of fan_in + fan_out": init_std(xavier="math.sqrt(fan_in + fan_out) / 2"),
    },
    2: {
        "the biased variance": update_running(var="(1 - momentum) * running_var + momentum * batch.var(axis=0)"),
        "momentum the weight of the old": update_running(
            "momentum * running_mean + (1 - momentum) * batch.mean(axis=0)",
            "momentum * running_var + (1 - momentum) * batch.var(axis=0, ddof=1)"),
        "only the variance's weights swapped": update_running(
            var="momentum * running_var + (1 - momentum) * batch.var(axis=0, ddof=1)"),
        "the standard deviation": update_running(
            var="(1 - momentum) * running_var + momentum * batch.std(axis=0, ddof=1)"),
        "the mean over the features": update_running(
            "(1 - momentum) * running_mean + momentum * batch.mean(axis=1)"),
        "the batch's statistics alone": update_running("batch.mean(axis=0)", "batch.var(axis=0, ddof=1)"),
        "in place": """def update_running(running_mean, running_var, batch, momentum=0.1):
    running_mean *= 1 - momentum
    running_mean += momentum * batch.mean(axis=0)
    running_var *= 1 - momentum
    running_var += momentum * batch.var(axis=0, ddof=1)
    return running_mean, running_var
""",
        "only the mean returned": """def update_running(running_mean, running_var, batch, momentum=0.1):
    return (1 - momentum) * running_mean + momentum * batch.mean(axis=0)
""",
        "momentum 0.1 hard-coded": update_running("0.9 * running_mean + 0.1 * batch.mean(axis=0)",
                                                  "0.9 * running_var + 0.1 * batch.var(axis=0, ddof=1)"),
    },
    3: {
        "the best of the whole list": "def early_stopping(val_losses, patience):\n"
                                      "    return int(np.argmin(val_losses))\n",
        "the epoch it stops at": early_stopping(leave="return epoch", result="len(val_losses) - 1"),
        "an equal loss counts": early_stopping(better="loss <= val_losses[best]"),
        "one epoch too patient": early_stopping(stop="epoch - best > patience"),
        "counted from 1": early_stopping(result="best + 1"),
        "returns the loss": early_stopping(result="val_losses[best]"),
        "patience counted from the start": early_stopping(stop="epoch >= patience"),
        "the highest loss": early_stopping(better="loss > val_losses[best]"),
    },
}

# The standard deviations the first exercise asks for (256 x 256: Xavier and He); the other exercises
# ask for functions, checked on the checks' own inputs.
SECRETS = {1: [math.sqrt(2 / 512), math.sqrt(2 / 256)]}
