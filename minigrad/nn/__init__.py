"""Neural-network parts.

Tensor mode, named as ``torch.nn``: ``Module``, the containers, the layers, and ``functional``.
Scalar mode: ``Neuron``, ``Layer``, ``MLP``, with their losses in ``minigrad.nn.scalar``.
"""

from minigrad.nn import functional, init
from minigrad.nn.activation import (
    ELU,
    Hardsigmoid,
    Hardswish,
    Hardtanh,
    LeakyReLU,
    LogSigmoid,
    Mish,
    ReLU6,
    SELU,
    SiLU,
    Softmin,
    Softplus,
    Softsign,
)
from minigrad.nn.conv import AdaptiveAvgPool2d, AvgPool2d, Conv1d, Conv2d, ConvTranspose2d, MaxPool2d
from minigrad.nn.layers import (
    GELU,
    BatchNorm1d,
    BatchNorm2d,
    Dropout,
    Flatten,
    Identity,
    LayerNorm,
    Linear,
    RMSNorm,
    ReLU,
    Sigmoid,
    Softmax,
    Tanh,
)
from minigrad.nn.loss import (
    BCELoss,
    BCEWithLogitsLoss,
    CrossEntropyLoss,
    HuberLoss,
    L1Loss,
    MSELoss,
    NLLLoss,
    SmoothL1Loss,
)
from minigrad.nn.attention import MultiheadAttention
from minigrad.nn.module import Module, ModuleDict, ModuleList, Parameter, Sequential
from minigrad.nn.sparse import Embedding
from minigrad.nn.scalar import MLP, Layer, Neuron

__all__ = [
    "GELU",
    "MLP",
    "AdaptiveAvgPool2d",
    "AvgPool2d",
    "ELU",
    "Hardsigmoid",
    "Hardswish",
    "Hardtanh",
    "LeakyReLU",
    "LogSigmoid",
    "Mish",
    "ReLU6",
    "SELU",
    "SiLU",
    "Softmin",
    "Softplus",
    "Softsign",
    "BCELoss",
    "BCEWithLogitsLoss",
    "BatchNorm1d",
    "BatchNorm2d",
    "Conv1d",
    "Conv2d",
    "ConvTranspose2d",
    "CrossEntropyLoss",
    "Dropout",
    "Embedding",
    "Flatten",
    "HuberLoss",
    "Identity",
    "L1Loss",
    "Layer",
    "MSELoss",
    "LayerNorm",
    "MultiheadAttention",
    "RMSNorm",
    "Linear",
    "MaxPool2d",
    "Module",
    "ModuleDict",
    "ModuleList",
    "NLLLoss",
    "Neuron",
    "Parameter",
    "ReLU",
    "Sequential",
    "Sigmoid",
    "SmoothL1Loss",
    "Softmax",
    "Tanh",
    "functional",
    "init",
]
