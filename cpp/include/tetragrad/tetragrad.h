// Umbrella header for C++ users: #include <tetragrad/tetragrad.h>
#pragma once
#include "tetragrad/autograd.h"
#include "tetragrad/cpu.h"
#include "tetragrad/dtype.h"
#include "tetragrad/errors.h"
#include "tetragrad/functional.h"
#include "tetragrad/generator.h"
#include "tetragrad/init.h"
#include "tetragrad/nn.h"
#include "tetragrad/ops.h"
#include "tetragrad/optim.h"
#include "tetragrad/tensor.h"
#include "tetragrad/threading.h"
