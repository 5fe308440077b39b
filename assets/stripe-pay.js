// Stripe's Payment Element for real keys (see app/components/deal_payment.py): deal holds
// (data-capture="manual") and shared-cart payments (data-capture="automatic"). Loaded only when
// STRIPE_PUBLISHABLE_KEY is set and the local test server is not in use.
window.bandwagonPay = (() => {
  let stripe = null;
  let elements = null;
  let mounted = null;

  function mountWhenReady() {
    const box = document.getElementById("payment-element");
    if (!box || !window.Stripe) return;
    const pk = box.dataset.pk;
    const amount = parseInt(box.dataset.amount || "0", 10);
    if (!pk || !amount) return;
    if (box === mounted) {
      // The amount to pay can change on the same page (a cart line, the deal's price).
      if (elements && box.dataset.mountedAmount !== String(amount)) {
        elements.update({ amount });
        box.dataset.mountedAmount = String(amount);
      }
      return;
    }
    stripe = stripe || window.Stripe(pk);
    elements = stripe.elements({
      mode: "payment",
      amount,
      currency: box.dataset.currency || "usd",
      captureMethod: box.dataset.capture === "automatic" ? "automatic" : "manual",
      paymentMethodCreation: "manual",
      paymentMethodTypes: ["card"],
    });
    elements.create("payment").mount(box);
    box.dataset.mountedAmount = String(amount);
    mounted = box;
  }
  setInterval(mountWhenReady, 500);

  async function paymentMethod(request) {
    if (!elements) return { error: "The card form hasn't loaded. Check your connection." };
    const submitted = await elements.submit();
    if (submitted.error) return { error: submitted.error.message };
    const result = await stripe.createPaymentMethod({ elements });
    if (result.error) return { error: result.error.message };
    return { id: result.paymentMethod.id, kind: request.kind, team: request.team };
  }

  async function confirm(clientSecret) {
    const result = await stripe.handleNextAction({ clientSecret });
    return { error: result.error ? result.error.message : null };
  }

  return { paymentMethod, confirm };
})();
