# Reference values for tests/test_adoption.py (issue 16), computed once with R 4.2 and sandwich;
# the tests paste the printed values (CI has no R). Run from the repository root:
#   Rscript tests/reference/adoption_reference.R
# Data: tests/reference/adoption_small.csv (written by make_adoption_small.py).
suppressPackageStartupMessages(library(sandwich))
options(digits = 10)
d <- read.csv("tests/reference/adoption_small.csv")
d$district <- factor(d$district)
regs <- c("log_employees", "export_share", "firm_age", "association_member", "intermediary_support",
          "network_member", "informal_exchange")
binary <- c(FALSE, FALSE, FALSE, TRUE, TRUE, TRUE, TRUE)
rhs <- paste(c(regs, "district"), collapse = " + ")

# Average marginal effects computed independently of the Python code: the derivative of a
# continuous regressor by central finite differences in the data (step 1e-4 times its SD), the
# discrete change 0 -> 1 of a binary one, and delta-method SEs with a numeric Jacobian of the AMEs
# in the coefficients (central differences, step 1e-6).
ame <- function(fit, V) {
  X <- model.matrix(fit)
  f <- function(b) sapply(seq_along(regs), function(i) {
    r <- regs[i]
    if (binary[i]) {
      X1 <- X; X1[, r] <- 1; X0 <- X; X0[, r] <- 0
      mean(plogis(X1 %*% b) - plogis(X0 %*% b))
    } else {
      h <- 1e-4 * sd(X[, r])
      Xp <- X; Xp[, r] <- Xp[, r] + h; Xm <- X; Xm[, r] <- Xm[, r] - h
      mean((plogis(Xp %*% b) - plogis(Xm %*% b)) / (2 * h))
    }
  })
  b <- coef(fit)
  J <- sapply(seq_along(b), function(j) {
    e <- rep(0, length(b)); e[j] <- 1e-6
    (f(b + e) - f(b - e)) / 2e-6
  })
  est <- f(b)
  cbind(estimate = est, std_error = sqrt(diag(J %*% V %*% t(J))))
}
show <- function(title, x) { cat("\n##", title, "\n"); print(x, digits = 10) }

# 1. Fractional logit (Papke & Wooldridge 1996): quasibinomial GLM, HC3 as sandwich::vcovHC
frac <- suppressWarnings(glm(as.formula(paste("csr_overall ~", rhs)), family = quasibinomial, data = d,
                             control = glm.control(epsilon = 1e-12, maxit = 100)))
Vf <- vcovHC(frac, type = "HC3")
show("fractional logit, pooled with district FE: coefficients and HC3 SEs",
     cbind(estimate = coef(frac), std_error = sqrt(diag(Vf))))
show("fractional logit AMEs (HC3 covariance)", `rownames<-`(ame(frac, Vf), regs))

# 1b. One district, no fixed effects
fa <- suppressWarnings(glm(as.formula(paste("csr_overall ~", paste(regs, collapse = " + "))), family = quasibinomial,
                           data = subset(d, district != "a"), control = glm.control(epsilon = 1e-12, maxit = 100)))
show("fractional logit, districts b and c, no FE: coefficients and HC3 SEs",
     cbind(estimate = coef(fa), std_error = sqrt(diag(vcovHC(fa, type = "HC3")))))

# 2. ML logit of the certification: coefficients, SEs from the inverse information, AMEs
lg <- glm(as.formula(paste("cert_iso14001 ~", rhs)), family = binomial, data = d,
          control = glm.control(epsilon = 1e-12, maxit = 100))
show("logit (ML): coefficients and SEs", cbind(estimate = coef(lg), std_error = sqrt(diag(vcov(lg)))))
show("logit AMEs (inverse-information covariance)", `rownames<-`(ame(lg, vcov(lg)), regs))
Vl <- vcovHC(lg, type = "HC3")
show("logit (ML): HC3 SEs", sqrt(diag(Vl)))
show("logit AMEs (HC3 covariance)", `rownames<-`(ame(lg, Vl), regs))

# 3. Friedman test and Kendall's W = chi2 / (n (k - 1))
RoundingTimes <- matrix(c(5.40, 5.50, 5.55, 5.85, 5.70, 5.75, 5.20, 5.60, 5.50, 5.55, 5.50, 5.40,
                          5.90, 5.85, 5.70, 5.45, 5.55, 5.60, 5.40, 5.40, 5.35, 5.45, 5.50, 5.35,
                          5.25, 5.15, 5.00, 5.85, 5.80, 5.70, 5.25, 5.20, 5.10, 5.65, 5.55, 5.45,
                          5.60, 5.35, 5.45, 5.05, 5.00, 4.95, 5.50, 5.50, 5.40, 5.45, 5.55, 5.50,
                          5.55, 5.55, 5.35, 5.45, 5.50, 5.55, 5.50, 5.45, 5.25, 5.65, 5.60, 5.40,
                          5.70, 5.65, 5.55, 6.30, 6.30, 6.25), nrow = 22, byrow = TRUE)
ft <- friedman.test(RoundingTimes)
show("friedman.test(RoundingTimes) (example of ?friedman.test)",
     c(statistic = unname(ft$statistic), df = unname(ft$parameter), p = ft$p.value,
       W = unname(ft$statistic) / (nrow(RoundingTimes) * (ncol(RoundingTimes) - 1))))
S <- as.matrix(d[, c("sh_employees", "sh_customers", "sh_suppliers", "sh_banks")])
fs <- friedman.test(S)
show("friedman.test on the stakeholder ratings (Likert 1-5, ties)",
     c(statistic = unname(fs$statistic), df = unname(fs$parameter), p = fs$p.value,
       W = unname(fs$statistic) / (nrow(S) * (ncol(S) - 1))))
show("mean ranks within firm (ties averaged)", colMeans(t(apply(S, 1, rank))))

# 4. Spearman trend of the CSR index on channels used (t approximation, as exact = FALSE)
sp <- suppressWarnings(cor.test(d$csr_overall, d$channels_used, method = "spearman", exact = FALSE))
show("Spearman rho and p", c(rho = unname(sp$estimate), p = sp$p.value))

# 5. Network moderation: OLS with HC3, t with n - k df; slope among members = b_x + b_x:m
m <- lm(score_market ~ csr_overall * network_member + log_employees + district, data = d)
Vm <- vcovHC(m, type = "HC3")
L <- rbind(slope_0 = c(0, 1, 0, 0, 0, 0, 0), slope_1 = c(0, 1, 0, 0, 0, 0, 1), interaction = c(0, 0, 0, 0, 0, 0, 1))
colnames(L) <- names(coef(m))
est <- drop(L %*% coef(m)); se <- sqrt(diag(L %*% Vm %*% t(L)))
show("moderation: coefficient order", names(coef(m)))
show("moderation: slopes and interaction (HC3), t p-values with df", 
     cbind(estimate = est, std_error = se, p = 2 * pt(-abs(est / se), m$df.residual), df = m$df.residual))
