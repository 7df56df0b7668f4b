//! The one integration-test binary: a module per area (as `just` does), shared support in
//! `common`, `sig_common` and `tree`. One binary links once instead of one per file.

mod common;
mod sig_common;
mod tree;

mod architecture;
mod bad_inputs;
mod baserates;
mod batch;
mod charts;
mod charts_issue13;
mod corrupted_inputs;
mod data_cases;
mod data_check;
mod data_errors;
mod data_formats;
mod data_props;
mod fuzz_regressions;
mod html_safety;
mod indicators_export;
mod indicators_props;
mod indicators_talib;
mod layout;
mod note_narrative;
mod output_safety;
mod pdf;
mod pdf_layout;
mod phone_labels;
mod record_check;
mod reliability;
mod render;
mod resample;
mod signals_cli;
mod signals_daily;
mod signals_issue11;
mod signals_issue12;
mod signals_macro;
mod signals_relative;
mod signals_three_day;
mod signals_truth6;
mod signals_weekly;
mod since_last;
mod site;
mod stance;
mod stance_rule;
