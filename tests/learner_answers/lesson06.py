"""Answers learners type to lesson 06's exercises, each wrong in a way its check must catch."""

COUNT = "def count_parameters(model):\n{}\n"
LOSS = "def my_cross_entropy(logits, targets):\n{}\n"
LOOP = "def train_one_epoch(model, loader, optimizer):\n{}\n"

WRONG = {
    1: {
        "counts tensors": COUNT.format("    return len(list(model.parameters()))"),
        "counts weights only": COUNT.format(
            "    return sum(p.numel() for name, p in model.named_parameters() if 'weight' in name)"),
        "matrices only": COUNT.format("    return sum(p.numel() for p in model.parameters() if p.ndim == 2)"),
        "first dimension": COUNT.format("    return sum(p.shape[0] for p in model.parameters())"),
        "len of each": COUNT.format("    return sum(len(p) for p in model.parameters())"),
        "hard-coded 4810": COUNT.format("    return 4810  # 64 * 64 + 64 + 64 * 10 + 10"),
        "state_dict": COUNT.format("    return sum(v.numel() for v in model.state_dict().values())"),
        "from the Linear sizes": COUNT.format(
            "    total = 0\n"
            "    for layer in model.modules():\n"
            "        if isinstance(layer, nn.Linear):\n"
            "            total += layer.in_features * layer.out_features + layer.out_features\n"
            "    return total"),
        "counts the notebook's mlp": COUNT.format("    return sum(p.numel() for p in mlp.parameters())"),
        "children only": COUNT.format("    return sum(p.numel() for m in model.children() for p in m.parameters())"),
        "modules counted twice": COUNT.format(
            "    return sum(p.numel() for m in model.modules() for p in m.parameters())"),
    },
    2: {
        "softmax then log": LOSS.format(
            "    probs = logits.exp() / logits.exp().sum(axis=1, keepdims=True)\n"
            "    return -probs.log()[minigrad.arange(len(targets)), targets].mean()"),
        "sum instead of mean": LOSS.format(
            "    return -logits.log_softmax(dim=1)[minigrad.arange(len(targets)), targets].sum()"),
        "missing minus": LOSS.format(
            "    return logits.log_softmax(dim=1)[minigrad.arange(len(targets)), targets].mean()"),
        "[:, targets]": LOSS.format("    return -logits.log_softmax(dim=1)[:, targets].mean()"),
        "NumPy route, new Tensor": LOSS.format(
            "    z = logits.numpy()\n"
            "    z = z - z.max(axis=1, keepdims=True)\n"
            "    log_probs = z - np.log(np.exp(z).sum(axis=1, keepdims=True))\n"
            "    return Tensor(-log_probs[np.arange(len(z)), targets.numpy()].mean(), dtype=minigrad.float64)"),
        ".item()": LOSS.format(
            "    return (-logits.log_softmax(dim=1)[minigrad.arange(len(targets)), targets].mean()).item()"),
        "log_softmax along dim 0": LOSS.format(
            "    return -logits.log_softmax(dim=0)[minigrad.arange(len(targets)), targets].mean()"),
        "arange(3) from the example": LOSS.format(
            "    return -logits.log_softmax(dim=1)[minigrad.arange(3), targets].mean()"),
        "no mean": LOSS.format("    return -logits.log_softmax(dim=1)[minigrad.arange(len(targets)), targets]"),
        "calls F.cross_entropy": LOSS.format("    return F.cross_entropy(logits, targets)"),
        "F.nll_loss does the picking": LOSS.format("    return F.nll_loss(logits.log_softmax(dim=1), targets)"),
        "one-hot, mean over every entry": LOSS.format(
            "    one_hot = Tensor(np.eye(logits.shape[1])[targets.numpy()], dtype=minigrad.float64)\n"
            "    return -(logits.log_softmax(dim=1) * one_hot).mean()"),
        "a new Tensor from log_softmax's numbers": LOSS.format(
            "    lp = Tensor(logits.log_softmax(dim=1).numpy(), dtype=minigrad.float64, requires_grad=True)\n"
            "    return -lp[minigrad.arange(len(targets)), targets].mean()"),
    },
    3: {
        "forgets zero_grad": LOOP.format(
            "    for images, labels in loader:\n"
            "        loss = F.cross_entropy(model(images), labels)\n"
            "        loss.backward()\n"
            "        optimizer.step()"),
        "zero_grad once before the loop": LOOP.format(
            "    optimizer.zero_grad()\n"
            "    for images, labels in loader:\n"
            "        loss = F.cross_entropy(model(images), labels)\n"
            "        loss.backward()\n"
            "        optimizer.step()"),
        "zero_grad between backward and step": LOOP.format(
            "    for images, labels in loader:\n"
            "        loss = F.cross_entropy(model(images), labels)\n"
            "        loss.backward()\n"
            "        optimizer.zero_grad()\n"
            "        optimizer.step()"),
        "step before backward": LOOP.format(
            "    for images, labels in loader:\n"
            "        optimizer.zero_grad()\n"
            "        loss = F.cross_entropy(model(images), labels)\n"
            "        optimizer.step()\n"
            "        loss.backward()"),
        "forgets step": LOOP.format(
            "    for images, labels in loader:\n"
            "        optimizer.zero_grad()\n"
            "        loss = F.cross_entropy(model(images), labels)\n"
            "        loss.backward()"),
        "forgets backward": LOOP.format(
            "    for images, labels in loader:\n"
            "        optimizer.zero_grad()\n"
            "        loss = F.cross_entropy(model(images), labels)\n"
            "        optimizer.step()"),
        "return inside the loop": LOOP.format(
            "    for images, labels in loader:\n"
            "        optimizer.zero_grad()\n"
            "        loss = F.cross_entropy(model(images), labels)\n"
            "        loss.backward()\n"
            "        optimizer.step()\n"
            "        return loss.item()"),
        "step after the loop": LOOP.format(
            "    for images, labels in loader:\n"
            "        optimizer.zero_grad()\n"
            "        loss = F.cross_entropy(model(images), labels)\n"
            "        loss.backward()\n"
            "    optimizer.step()"),
        "mse on one-hot labels": LOOP.format(
            "    for images, labels in loader:\n"
            "        optimizer.zero_grad()\n"
            "        one_hot = Tensor(np.eye(10)[labels.numpy()])\n"
            "        loss = ((model(images) - one_hot) ** 2).mean()\n"
            "        loss.backward()\n"
            "        optimizer.step()"),
        "model called twice, backward on both": LOOP.format(
            "    for images, labels in loader:\n"
            "        optimizer.zero_grad()\n"
            "        loss = F.cross_entropy(model(images), labels)\n"
            "        loss.backward()\n"
            "        F.cross_entropy(model(images), labels).backward()\n"
            "        optimizer.step()"),
        "summed loss": LOOP.format(
            "    for images, labels in loader:\n"
            "        optimizer.zero_grad()\n"
            "        loss = F.cross_entropy(model(images), labels, reduction='sum')\n"
            "        loss.backward()\n"
            "        optimizer.step()"),
        "calls fit": LOOP.format("    fit(model, loader, F.cross_entropy, optimizer, epochs=1, progress=False)"),
        "weights changed by hand": LOOP.format(
            "    for images, labels in loader:\n"
            "        for p in model.parameters():\n"
            "            p.grad = None\n"
            "        loss = F.cross_entropy(model(images), labels)\n"
            "        loss.backward()\n"
            "        for p in model.parameters():\n"
            "            p.data -= 0.1 * p.grad"),
        "softmax before cross_entropy": LOOP.format(
            "    for images, labels in loader:\n"
            "        optimizer.zero_grad()\n"
            "        loss = F.cross_entropy(model(images).softmax(dim=1), labels)\n"
            "        loss.backward()\n"
            "        optimizer.step()"),
        "zero_grad every other batch": LOOP.format(
            "    for k, (images, labels) in enumerate(loader):\n"
            "        if k % 2 == 0:\n"
            "            optimizer.zero_grad()\n"
            "        loss = F.cross_entropy(model(images), labels)\n"
            "        loss.backward()\n"
            "        optimizer.step()"),
        "zero_grad(set_to_none=True)": LOOP.format(
            "    for images, labels in loader:\n"
            "        optimizer.zero_grad(set_to_none=True)\n"
            "        loss = F.cross_entropy(model(images), labels)\n"
            "        loss.backward()\n"
            "        optimizer.step()"),
        "an optimizer of its own": LOOP.format(
            "    opt = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)\n"
            "    for images, labels in loader:\n"
            "        opt.zero_grad()\n"
            "        loss = F.cross_entropy(model(images), labels)\n"
            "        loss.backward()\n"
            "        opt.step()"),
        "backward on loss.item()": LOOP.format(
            "    for images, labels in loader:\n"
            "        optimizer.zero_grad()\n"
            "        loss = F.cross_entropy(model(images), labels).item()\n"
            "        loss.backward()\n"
            "        optimizer.step()"),
        "zero_grad without parentheses": LOOP.format(
            "    for images, labels in loader:\n"
            "        optimizer.zero_grad\n"
            "        loss = F.cross_entropy(model(images), labels)\n"
            "        loss.backward()\n"
            "        optimizer.step()"),
        "the notebook's mlp": LOOP.format(
            "    for images, labels in loader:\n"
            "        optimizer.zero_grad()\n"
            "        loss = F.cross_entropy(mlp(images), labels)\n"
            "        loss.backward()\n"
            "        optimizer.step()"),
        "two epochs": LOOP.format(
            "    for epoch in range(2):\n"
            "        for images, labels in loader:\n"
            "            optimizer.zero_grad()\n"
            "            loss = F.cross_entropy(model(images), labels)\n"
            "            loss.backward()\n"
            "            optimizer.step()"),
    },
}

# The counts of the check's first two models, and the losses the check's two inputs should give.
SECRETS = {1: [4810, 17226], 2: [4.018728228813884, 1006.5651243421515]}
