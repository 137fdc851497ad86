#pragma once
// The steps of data/processing.hpp one by one: how each is fitted on the
// training frame and applied to a frame. Internal to processing.cpp and
// processing_steps.cpp.
#include <string>
#include <vector>

#include "data/frame.hpp"
#include "data/processing.hpp"

namespace hone::data::steps {

using Step = Processing::Step;

// Fitting, on `frame` (the training rows as the steps before left them).
Step fit_transformation(const lang::TransformStep& spec, const Frame& frame);
Step fit_normalization(const std::string& column, const std::string& method, const Frame& frame);
Step fit_categorical(const lang::EncodingStep& spec, const Frame& frame);
// Target encoding: the step (means of every training row) and, in
// `out_of_fold`, its columns for the training rows themselves.
Step fit_target(const lang::EncodingStep& spec, const Frame& frame, const ProcessingContext& context,
                std::vector<Column>& out_of_fold);

// The step's output columns for the rows of `frame`. `fitting` is true on the
// training rows being fitted: a value a step cannot take is an error there,
// null afterwards.
std::vector<Column> apply(const Step& step, const Frame& frame, bool fitting);

// Writes `columns` into `frame` (replacing columns of the same name, else
// appended) and removes the step's inputs when it drops them.
void put(const Step& step, std::vector<Column> columns, Frame& frame);

// hone::Error(data, "invalid_processing") naming the step, the row (1-based in
// `frame`) and the column.
[[noreturn]] void value_error(const Step& step, const std::string& column, std::size_t row, const std::string& what);

}  // namespace hone::data::steps
