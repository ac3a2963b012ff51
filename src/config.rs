//! The documented constants of the likelihood-ratio model ([`ScoringConfig`]).
//!
//! Each constant is either a modelling choice with its reason written below, or one of the few
//! constants fitted on the development cases (`temperature`, `prior_exponent`,
//! `none_prior_ratio`, and the false-positive model `false_positive_share` /
//! `specificity_exponent`); `DESIGN.md` gives the fit, its split-half check and the figures.

/// The constants of the likelihood-ratio model.
///
/// ```
/// let config = osteodx::ScoringConfig { temperature: 2.0, ..Default::default() };
/// let model = osteodx::Model::compile_with(&osteodx::KnowledgeBase::builtin()?, config);
/// assert_eq!(model.config().temperature, 2.0);
/// # Ok::<(), osteodx::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ScoringConfig {
    /// α: the likelihood ratio of a clinical finding that a diagnosis has no rule for, for a
    /// finding as common as [`specificity_reference`](Self::specificity_reference) among other
    /// skeletal disorders. The patient may show it for another reason (a second condition, an
    /// incidental finding, a coding choice) at α times its background rate.
    pub false_positive_share: f64,
    /// κ: how much more an unexplained *specific* finding costs. The false-positive likelihood
    /// ratio is α · min(1, bg / `b_ref)^κ`: a finding rarer than `b_ref` among other skeletal
    /// disorders is less likely to be an unlisted feature of the diagnosis, so leaving it
    /// unexplained costs more (κ = 0: every unexplained finding costs log10 α).
    pub specificity_exponent: f64,
    /// `b_ref`: the background at and above which an unexplained finding costs only log10 α.
    pub specificity_reference: f64,
    /// The smallest false-positive likelihood ratio (the cost of one unexplained finding is at
    /// most −log10 of this).
    pub min_false_positive: f64,
    /// `κ_r`: a patient finding more specific than the rule's finding gets the rule's log LR plus
    /// `κ_r` · log10(bg(finding) / bg(rule's finding)): the diagnosis says only that the general
    /// finding occurs, so the specific variant is assumed rarer in it than among other disorders
    /// the more specific it is (0: the rule's own LR, so that a rule on a general sign would give
    /// every specific variant of it the full credit).
    pub refinement_exponent: f64,
    /// δ: a patient finding more general than a rule's finding gets δ times the log LR it would
    /// get from the rule's frequency (noisy-OR over the rules below it) against its own background.
    pub partial_match_discount: f64,
    /// Rule frequencies are clamped to [ε, 1 − ε] so that an obligate finding observed absent
    /// costs a finite amount (log10 ε ≈ −2.3 at 0.005).
    pub min_probability: f64,
    /// Backgrounds are clamped to at least this: no finding is rarer than this among the reports
    /// of other skeletal disorders (coding variation, incidental findings). It bounds the
    /// likelihood ratio of a rule without an explicit `lr`.
    pub min_background: f64,
    /// The largest likelihood ratio an `against` rule without an explicit `lr` can have: an
    /// against rule whose frequency is not below the background still argues against.
    pub against_max_lr: f64,
    /// P(a pathogenic variant reported in a gene | some other skeletal disorder), for genes the
    /// rules give no `[[gene_background]]` for.
    pub gene_background: f64,
    /// φ: the likelihood ratio of a pathogenic variant in a gene that the diagnosis does not
    /// list (a second diagnosis, a misattributed variant), relative to the gene's background.
    pub gene_false_positive: f64,
    /// μ: a causal variant whose zygosity does not fit the rule (one variant in a recessive gene,
    /// where the second may have been missed; two in a dominant one) counts this share of the
    /// gene's fraction.
    pub zygosity_mismatch: f64,
    /// ρ: the prior odds of "none of these" against the diagnoses of the differential: before any
    /// evidence, "none of these" (the modelled look-alikes and the background together) weighs ρ
    /// times the summed prior of the diagnoses.
    pub none_prior_ratio: f64,
    /// β: the share of the prior of "none of these" that goes to the background (some other
    /// skeletal disorder no look-alike models); the rest is shared by the look-alikes in
    /// proportion to their prevalence^γ.
    pub background_share: f64,
    /// γ: priors are prevalence^γ. Published case reports over-represent rare conditions
    /// (a report is worth writing because the condition is rare), so the case mix of reports is
    /// flatter than the prevalences: γ = 1 is the population prior, γ = 0 a uniform one.
    pub prior_exponent: f64,
    /// T: posteriors use the summed log likelihood ratio divided by T. Findings of one patient
    /// are not independent (anaemia, pallor and thrombocytopenia; several signs of dense bone),
    /// so the summed evidence is overconfident by about this factor.
    pub temperature: f64,
    /// `ρ_c`: the findings of one patient are taken as equicorrelated with correlation `ρ_c`, so n
    /// observations carry the information of n / (1 + (n − 1) `ρ_c`) independent ones (Kish's
    /// design effect): the summed log LR is scaled by 1 / (1 + (n − 1) `ρ_c`), on top of 1 / T. One
    /// observation is never damped by it; many are.
    pub dependence: f64,
    /// Rules at or above this frequency are listed as "expected, not examined" in explanations.
    pub expected_threshold: f64,
    /// w: the log LR of a finding observed absent is multiplied by w (1 for the built-in rules).
    /// Below 1 where the absent findings a source lists were chosen because the diagnosis has
    /// them (case reports list the features of the disease the patient lacks), so that their
    /// absence says less than (1 − p) / (1 − bg) suggests.
    pub absent_weight: f64,
    /// k: how much likelier a source is to report a finding as absent when the diagnosis has it
    /// (with frequency p) than when it does not: a rule's absent value is log10(k (1 − p) /
    /// (1 − bg)) (1 for the built-in rules; case reports list the absent features of the disease).
    pub absent_selection: f64,
    /// G: how much more an unexplained finding costs a richly annotated diagnosis than a sparsely
    /// annotated one. A source that lists `n_D` features of diagnosis D leaves out more of its true
    /// features the smaller `n_D` is, so a finding none of D's rules explains is more likely an
    /// unlisted feature of a sparse D. The false-positive likelihood ratio of D is the clinical
    /// one times (`n_ref` / `n_D`)^G ([`false_positive_shift`](Self::false_positive_shift)); 0 (the
    /// built-in rules, whose diagnoses are all reviewed in full) gives every diagnosis the same.
    pub annotation_exponent: f64,
    /// `n_ref`: the number of positive clinical rules at which a diagnosis's false-positive
    /// likelihood ratio is the plain one.
    pub annotation_reference: f64,
    /// p̄: the frequency of a feature a diagnosis's rules do not list. A finding observed absent
    /// that no rule of D covers may still be such a feature of D, with probability π = `U_D` ·
    /// bg / p̄ (the false-positive model: `U_D` · bg is how often D shows the finding), and then a
    /// source lists its absence [`absent_selection`](Self::absent_selection) times likelier
    /// ([`unlisted_absent_llr`](Self::unlisted_absent_llr)). It matters only where
    /// `absent_selection` is not 1 (the catalogue, whose annotations without a frequency get the
    /// same 0.35).
    pub unlisted_frequency: f64,
}

/// The defaults: modelling choices, and the constants fitted on the development cases by
/// `cargo run --release --example fit -- ../shared/cases` (grid search on the mean log loss,
/// phenotype only; DESIGN.md has the grid, the fit on each half and the figures):
/// `false_positive_share` 0.15, `none_prior_ratio` 0.3, `background_share` 0.1, `prior_exponent`
/// 0.25, `temperature` 1, `dependence` 0.1.
impl Default for ScoringConfig {
    fn default() -> Self {
        Self {
            false_positive_share: 0.15,
            specificity_exponent: 0.0,
            specificity_reference: 0.01,
            min_false_positive: 0.05,
            refinement_exponent: 0.5,
            partial_match_discount: 0.5,
            min_probability: 0.005,
            min_background: 0.001,
            against_max_lr: 0.2,
            gene_background: 0.001,
            gene_false_positive: 0.02,
            zygosity_mismatch: 0.15,
            none_prior_ratio: 0.3,
            background_share: 0.1,
            prior_exponent: 0.25,
            temperature: 1.0,
            dependence: 0.1,
            expected_threshold: 0.3,
            absent_weight: 1.0,
            absent_selection: 1.0,
            annotation_exponent: 0.0,
            annotation_reference: 80.0,
            unlisted_frequency: 0.35,
        }
    }
}

impl ScoringConfig {
    /// The factor the summed log10 LR of a patient with `n` observations is multiplied by in the
    /// posterior: 1 / (T · (1 + (n − 1) `ρ_c`)).
    ///
    /// ```
    /// let c = osteodx::ScoringConfig { temperature: 2.0, dependence: 0.1, ..Default::default() };
    /// assert_eq!(c.evidence_scale(1), 0.5);
    /// assert!((c.evidence_scale(11) - 0.25).abs() < 1e-12);
    /// ```
    #[must_use]
    pub fn evidence_scale(&self, n: usize) -> f64 {
        let extra = n.saturating_sub(1) as f64;
        1.0 / (self.temperature * (1.0 + extra * self.dependence))
    }

    /// The false-positive likelihood ratio of a clinical finding with this background:
    /// α · min(1, bg / `b_ref)^κ`, at least [`min_false_positive`](Self::min_false_positive).
    ///
    /// ```
    /// let c = osteodx::ScoringConfig { false_positive_share: 0.3, specificity_exponent: 0.5, ..Default::default() };
    /// assert_eq!(c.false_positive_lr(0.5), 0.3);
    /// assert!(c.false_positive_lr(0.002) < c.false_positive_lr(0.005));
    /// assert_eq!(c.false_positive_lr(1e-9), c.min_false_positive);
    /// ```
    #[must_use]
    pub fn false_positive_lr(&self, background: f64) -> f64 {
        let specificity = (background / self.specificity_reference).min(1.0);
        (self.false_positive_share * specificity.powf(self.specificity_exponent))
            .max(self.min_false_positive)
            .min(1.0)
    }

    /// The log10 shift of the false-positive likelihood ratio of a diagnosis with `n` positive
    /// clinical rules: G · log10(`n_ref` / n), rounded to [`SHIFT_STEP`](Self::SHIFT_STEP) and
    /// kept so that α times 10^shift lies in [`min_false_positive`](Self::min_false_positive), 1].
    /// A diagnosis without such rules counts as one rule.
    ///
    /// ```
    /// let c = osteodx::ScoringConfig { annotation_exponent: 1.0, annotation_reference: 80.0, ..Default::default() };
    /// assert_eq!(c.false_positive_shift(80), 0.0);
    /// assert!(c.false_positive_shift(8) > 0.0 && c.false_positive_shift(800) < 0.0);
    /// // α · 10^shift stays at most 1 and at least min_false_positive: 0.15 · 10^0.8, 0.15 · 10^-0.45.
    /// assert!((c.false_positive_shift(8) - 0.8).abs() < 1e-12);
    /// assert!((c.false_positive_shift(800) + 0.45).abs() < 1e-12);
    /// assert_eq!(osteodx::ScoringConfig::default().false_positive_shift(3), 0.0);
    /// ```
    #[must_use]
    pub fn false_positive_shift(&self, n: usize) -> f64 {
        if self.annotation_exponent == 0.0 {
            return 0.0;
        }
        let raw = self.annotation_exponent * (self.annotation_reference / n.max(1) as f64).log10();
        let alpha = self.false_positive_share;
        let (lo, hi) = (
            (self.min_false_positive / alpha).log10().min(0.0),
            (1.0 / alpha).log10(),
        );
        let stepped = (raw / Self::SHIFT_STEP).round() * Self::SHIFT_STEP;
        // Steps of the clamp's bounds stay inside them.
        let (lo, hi) = (
            (lo / Self::SHIFT_STEP).ceil() * Self::SHIFT_STEP,
            (hi / Self::SHIFT_STEP).floor() * Self::SHIFT_STEP,
        );
        stepped.clamp(lo, hi.max(lo))
    }

    /// The log10 likelihood ratio of a clinical finding observed absent for a diagnosis with no
    /// rule on it or below it, whose false-positive value is shifted by `shift` (log10,
    /// [`false_positive_shift`](Self::false_positive_shift)): with U = the false-positive
    /// likelihood ratio times 10^shift, the diagnosis has the finding as a feature its rules do not
    /// list with probability π = min(1, U · bg / p̄) ([`unlisted_frequency`](Self::unlisted_frequency)),
    /// and a source lists the absence of such a feature k (1 − p̄) times as often as that of a
    /// finding the diagnosis lacks (k = [`absent_selection`](Self::absent_selection)):
    /// w · log10((1 − π + π k (1 − p̄)) / (1 − bg)). With k = 1 this is the plain model's
    /// w · log10((1 − U · bg) / (1 − bg)).
    ///
    /// ```
    /// let plain = osteodx::ScoringConfig::default();
    /// let u = plain.false_positive_lr(0.05);
    /// let expect = ((1.0 - u * 0.05) / 0.95f64).log10();
    /// assert_eq!(plain.unlisted_absent_llr(0.05, 0.0), expect);
    /// // With k = 16 a sparsely annotated diagnosis (a larger U) gains more from the absence.
    /// let c = osteodx::ScoringConfig { absent_selection: 16.0, ..Default::default() };
    /// assert!(c.unlisted_absent_llr(0.05, 0.8) > c.unlisted_absent_llr(0.05, 0.0));
    /// assert!(c.unlisted_absent_llr(0.05, 0.0) > expect);
    /// ```
    #[must_use]
    pub fn unlisted_absent_llr(&self, background: f64, shift: f64) -> f64 {
        let u = self.false_positive_lr(background) * 10f64.powf(shift);
        let (p, k) = (self.unlisted_frequency, self.absent_selection);
        let pi = (u * background / p).min(1.0);
        // 1 − π p̄, written so that k = 1 gives the plain model's value to the last bit.
        let listed = if pi < 1.0 { 1.0 - u * background } else { 1.0 - p };
        self.absent_weight * ((listed + pi * (k - 1.0) * (1.0 - p)) / (1.0 - background)).log10()
    }

    /// The step of [`false_positive_shift`](Self::false_positive_shift) in log10 (a factor of
    /// 1.12): diagnoses of one step share their untouched posterior mass in the scorer, so the
    /// cost of a ranking grows with the number of steps, not of diagnoses.
    pub const SHIFT_STEP: f64 = 0.05;

    /// Set one constant by name (`temperature=1.5`), for experiments from the command line.
    ///
    /// # Errors
    /// A message naming the unknown key or the value that is not a finite number.
    ///
    /// ```
    /// let mut c = osteodx::ScoringConfig::default();
    /// c.set("temperature=2")?;
    /// assert_eq!(c.temperature, 2.0);
    /// assert!(c.set("tempreature=2").is_err());
    /// # Ok::<(), String>(())
    /// ```
    pub fn set(&mut self, assignment: &str) -> Result<(), String> {
        let (key, value) = assignment
            .split_once('=')
            .ok_or_else(|| format!("expected KEY=VALUE, not `{assignment}`"))?;
        let value: f64 = value
            .trim()
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite())
            .ok_or_else(|| format!("`{value}` is not a finite number"))?;
        let field = match key.trim() {
            "false_positive_share" => &mut self.false_positive_share,
            "specificity_exponent" => &mut self.specificity_exponent,
            "specificity_reference" => &mut self.specificity_reference,
            "min_false_positive" => &mut self.min_false_positive,
            "refinement_exponent" => &mut self.refinement_exponent,
            "partial_match_discount" => &mut self.partial_match_discount,
            "min_probability" => &mut self.min_probability,
            "min_background" => &mut self.min_background,
            "against_max_lr" => &mut self.against_max_lr,
            "gene_background" => &mut self.gene_background,
            "gene_false_positive" => &mut self.gene_false_positive,
            "zygosity_mismatch" => &mut self.zygosity_mismatch,
            "none_prior_ratio" => &mut self.none_prior_ratio,
            "background_share" => &mut self.background_share,
            "prior_exponent" => &mut self.prior_exponent,
            "temperature" => &mut self.temperature,
            "dependence" => &mut self.dependence,
            "expected_threshold" => &mut self.expected_threshold,
            "absent_weight" => &mut self.absent_weight,
            "absent_selection" => &mut self.absent_selection,
            "annotation_exponent" => &mut self.annotation_exponent,
            "annotation_reference" => &mut self.annotation_reference,
            "unlisted_frequency" => &mut self.unlisted_frequency,
            other => return Err(format!("unknown constant `{other}`")),
        };
        *field = value;
        Ok(())
    }

    /// The constants clamped into their valid ranges (probabilities in (0, 1), positive ratios
    /// and temperature), so that no setting can produce NaN or infinity.
    #[must_use]
    pub fn sanitized(mut self) -> Self {
        let prob = |x: f64, lo: f64, hi: f64, default: f64| {
            if x.is_finite() {
                x.clamp(lo, hi)
            } else {
                default
            }
        };
        let d = Self::default();
        self.false_positive_share = prob(self.false_positive_share, 1e-6, 1.0, d.false_positive_share);
        self.specificity_exponent = prob(self.specificity_exponent, 0.0, 4.0, d.specificity_exponent);
        self.specificity_reference = prob(self.specificity_reference, 1e-9, 1.0, d.specificity_reference);
        self.min_false_positive = prob(self.min_false_positive, 1e-9, 1.0, d.min_false_positive);
        self.refinement_exponent = prob(self.refinement_exponent, 0.0, 4.0, d.refinement_exponent);
        self.partial_match_discount = prob(self.partial_match_discount, 0.0, 1.0, d.partial_match_discount);
        self.min_probability = prob(self.min_probability, 1e-9, 0.49, d.min_probability);
        self.min_background = prob(self.min_background, 1e-9, 0.5, d.min_background);
        self.against_max_lr = prob(self.against_max_lr, 1e-9, 1.0, d.against_max_lr);
        self.gene_background = prob(self.gene_background, 1e-9, 1.0, d.gene_background);
        self.gene_false_positive = prob(self.gene_false_positive, 1e-9, 1.0, d.gene_false_positive);
        self.zygosity_mismatch = prob(self.zygosity_mismatch, 0.0, 1.0, d.zygosity_mismatch);
        self.none_prior_ratio = prob(self.none_prior_ratio, 1e-12, 1e12, d.none_prior_ratio);
        self.background_share = prob(self.background_share, 1e-9, 1.0, d.background_share);
        self.prior_exponent = prob(self.prior_exponent, 0.0, 2.0, d.prior_exponent);
        self.temperature = prob(self.temperature, 0.05, 100.0, d.temperature);
        self.dependence = prob(self.dependence, 0.0, 1.0, d.dependence);
        self.expected_threshold = prob(self.expected_threshold, 0.0, 1.0, d.expected_threshold);
        self.absent_weight = prob(self.absent_weight, 0.0, 1.0, d.absent_weight);
        self.absent_selection = prob(self.absent_selection, 1e-3, 1e3, d.absent_selection);
        self.annotation_exponent = prob(self.annotation_exponent, 0.0, 4.0, d.annotation_exponent);
        self.annotation_reference = prob(self.annotation_reference, 1.0, 1e6, d.annotation_reference);
        self.unlisted_frequency = prob(self.unlisted_frequency, 1e-3, 0.999, d.unlisted_frequency);
        self
    }
}
